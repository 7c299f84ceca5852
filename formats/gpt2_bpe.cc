// GPT-2 encoder.json + vocab.bpe reader and its tokenizer.json writer.
#include "formats/gpt2_bpe.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/lines.h"
#include "core/utf8.h"
#include "formats/vocab_files.h"

namespace embscope {

Result<TokenizerSpec> parse_gpt2_bpe(std::string_view vocab_json, const std::string& vocab_path,
                                     std::string_view merges_txt, const std::string& merges_path) {
  EMB_TRY_ASSIGN(VocabSpec v, parse_vocab_json(vocab_json, vocab_path));
  if (auto bad = find_invalid_utf8(merges_txt)) {
    return make_error_at(ErrorKind::InvalidUtf8, merges_path, *bad, "merges are not valid UTF-8");
  }
  TokenizerSpec t;
  t.source = vocab_path;
  t.model.type = ModelSpec::Type::BPE;
  t.model.pieces = std::move(v.pieces);
  t.model.present = std::move(v.present);
  for (LineReader lines(merges_txt); lines.next();) {
    const std::string_view line = lines.line();
    const uint64_t at = lines.offset(), line_no = lines.number();
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos || line.find(' ', sp + 1) != std::string_view::npos) {
      return make_error_at(ErrorKind::Format, merges_path, at,
                           fmt::format("line {}: expected \"left right\", found '{}'", line_no, escape_for_message(line, 60)));
    }
    t.model.merges.emplace_back(std::string(line.substr(0, sp)), std::string(line.substr(sp + 1)));
  }
  PreTokenizerSpec pre;
  pre.type = PreTokenizerSpec::Type::ByteLevel;
  pre.add_prefix_space = false;
  pre.trim_offsets = true;
  pre.use_regex = true;
  t.pre_tokenizer = pre;
  DecoderSpec dec;
  dec.type = DecoderSpec::Type::ByteLevel;
  t.decoder = dec;
  PostProcessorSpec post;
  post.type = PostProcessorSpec::Type::ByteLevel;
  post.trim_offsets = false;
  post.add_prefix_space = true;
  t.post_processor = post;
  for (size_t id = 0; id < t.model.pieces.size(); ++id) {
    if (t.model.present[id] && t.model.pieces[id] == "<|endoftext|>") {
      t.added_tokens.push_back({static_cast<uint32_t>(id), "<|endoftext|>", false, false, false, true, true});
    }
  }
  return t;
}

std::string gpt2_tokenizer_json(const TokenizerSpec& spec) {
  nlohmann::ordered_json j;
  j["version"] = "1.0";
  j["truncation"] = nullptr;
  j["padding"] = nullptr;
  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  for (const auto& a : spec.added_tokens) {
    added.push_back({{"id", a.id}, {"content", a.content}, {"single_word", a.single_word}, {"lstrip", a.lstrip},
                     {"rstrip", a.rstrip}, {"normalized", a.normalized}, {"special", a.special}});
  }
  j["added_tokens"] = added;
  j["normalizer"] = nullptr;
  j["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
  j["post_processor"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
  j["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  for (size_t id = 0; id < spec.model.pieces.size(); ++id)
    if (spec.model.present[id]) vocab[spec.model.pieces[id]] = id;
  nlohmann::ordered_json merges = nlohmann::ordered_json::array();
  for (const auto& [a, b] : spec.model.merges) merges.push_back(a + " " + b);
  j["model"] = {{"type", "BPE"},       {"dropout", nullptr},         {"unk_token", nullptr},
                {"continuing_subword_prefix", ""}, {"end_of_word_suffix", ""}, {"fuse_unk", false},
                {"byte_fallback", false}, {"ignore_merges", false}, {"vocab", vocab}, {"merges", merges}};
  return j.dump(2) + "\n";
}

}  // namespace embscope
