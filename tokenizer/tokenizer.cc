// Tokenizer: the encode pipeline, post-processing, offsets, decode.
#include "tokenizer/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/utf8.h"
#include "text/byte_level.h"
#include "tokenizer/bpe.h"
#include "tokenizer/unicode.h"

namespace embscope {
namespace {

bool uses_byte_level(const PreTokenizerSpec& p) {
  if (p.type == PreTokenizerSpec::Type::ByteLevel) return true;
  for (const auto& c : p.children)
    if (uses_byte_level(c)) return true;
  return false;
}

// ByteLevel / Roberta offset trimming (pre_tokenizers/byte_level.rs process_offsets).
void trim_offsets(std::vector<EncodedToken>& tokens, const HfTokenizer& t, bool add_prefix_space) {
  const uint32_t space = byte_to_code_point(' ');
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto& tok = tokens[i];
    const std::string* piece = t.id_to_token(tok.id);
    if (!piece) continue;
    const auto cps = code_points(*piece);
    auto is_space = [&](uint32_t c) { return c == space || unicode::is_whitespace(c); };
    size_t leading = 0, trailing = 0;
    while (leading < cps.size() && is_space(cps[leading])) ++leading;
    while (trailing < cps.size() && is_space(cps[cps.size() - 1 - trailing])) ++trailing;
    if (leading == 0 && trailing == 0) continue;
    if (leading > 0) {
      const bool is_first = i == 0 || tok.char_begin == 0;
      if (is_first && add_prefix_space && leading == 1) leading = 0;
      tok.char_begin = std::min<uint32_t>(tok.char_begin + static_cast<uint32_t>(leading), tok.char_end);
      tok.byte_begin = std::min<uint32_t>(tok.byte_begin + static_cast<uint32_t>(leading), tok.byte_end);
    }
    if (trailing > 0 && tok.char_end >= trailing) {
      tok.char_end = std::max<uint32_t>(tok.char_end - static_cast<uint32_t>(trailing), tok.char_begin);
      tok.byte_end = std::max<uint32_t>(tok.byte_end - static_cast<uint32_t>(trailing), tok.byte_begin);
    }
  }
}

bool mentions_metaspace(const PreTokenizerSpec& p) {
  if (p.type == PreTokenizerSpec::Type::Metaspace) return true;
  for (const auto& c : p.children)
    if (mentions_metaspace(c)) return true;
  return false;
}

bool mentions_metaspace(const NormalizerSpec& n) {
  if (n.type == NormalizerSpec::Type::Replace && n.content == "\xE2\x96\x81") return true;
  if (n.type == NormalizerSpec::Type::Prepend && n.prepend == "\xE2\x96\x81") return true;
  for (const auto& c : n.children)
    if (mentions_metaspace(c)) return true;
  return false;
}

bool is_nfc(std::string_view text) {
  if (is_ascii(text)) return true;
  const auto in = code_points(text);
  std::vector<uint32_t> out;
  std::vector<int> change;
  unicode::normalize(in, unicode::Form::NFC, out, change);
  return out == in;
}

void widen_to_chars(std::string_view text, EncodedToken& t) {
  uint32_t b = t.byte_begin, e = t.byte_end;
  while (b > 0 && b < text.size() && (static_cast<uint8_t>(text[b]) & 0xC0) == 0x80) --b;
  while (e < text.size() && (static_cast<uint8_t>(text[e]) & 0xC0) == 0x80) ++e;
  t.byte_begin = b;
  t.byte_end = e;
}

}  // namespace

namespace {

// Continuation bytes (10xxxxxx: bit 7 set, bit 6 clear) among the eight bytes of x whose
// bit 7 survives `mask`: one bit a byte, summed into the top byte by a multiply (baseline
// x86-64 has no POPCNT instruction).
inline uint32_t continuation_bytes(uint64_t x, uint64_t mask) {
  const uint64_t bits = (x & ~(x << 1) & mask) >> 7;  // 0 or 1 in each byte
  return static_cast<uint32_t>((bits * 0x0101010101010101ULL) >> 56);
}

// Code points that start in text[b, e): the bytes less the continuation bytes, eight at a time.
uint32_t count_chars(std::string_view text, size_t b, size_t e) {
  e = std::min(e, text.size());  // offsets past the end (none expected) count as the end
  b = std::min(b, e);
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const char* p = text.data();
  uint32_t cont = 0;
  if (e - b < 8 && b + 8 <= text.size()) {  // a short range: one load, the bytes past e masked off
    uint64_t x;
    std::memcpy(&x, p + b, 8);
    const uint64_t keep = (uint64_t{1} << (8 * (e - b))) - 1;
    return static_cast<uint32_t>(e - b) - continuation_bytes(x, kHigh & keep);
  }
  size_t i = b;
  for (; i + 8 <= e; i += 8) {
    uint64_t x;
    std::memcpy(&x, p + i, 8);
    cont += continuation_bytes(x, kHigh);
  }
  for (; i < e; ++i) cont += (static_cast<uint8_t>(p[i]) & 0xC0) == 0x80;
  return static_cast<uint32_t>(e - b) - cont;
}

}  // namespace

void finish_offsets(std::string_view text, std::vector<EncodedToken>& tokens, size_t table_max_bytes) {
  if (is_ascii(text)) {  // one character a byte, nothing to widen
    for (auto& e : tokens) {
      e.char_begin = e.byte_begin;
      e.char_end = e.byte_end;
    }
    return;
  }
  if (text.size() <= table_max_bytes) {
    // Code points before each byte, one pass over the text; then two loads a token (tokens
    // of multilingual text average two or three bytes, so counting per token costs more).
    thread_local std::vector<uint32_t> chars_before;
    chars_before.resize(text.size() + 1);
    uint32_t c = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      chars_before[i] = c;
      c += (static_cast<uint8_t>(text[i]) & 0xC0) != 0x80;
    }
    chars_before[text.size()] = c;
    const auto n = static_cast<uint32_t>(text.size());
    for (auto& e : tokens) {
      widen_to_chars(text, e);
      e.char_begin = chars_before[std::min(e.byte_begin, n)];
      e.char_end = e.byte_end >= e.byte_begin ? chars_before[std::min(e.byte_end, n)] : e.char_begin;
    }
    return;
  }
  // A long text: a known (byte, code point) position, the previous token's end: tokens mostly
  // follow each other, so each is counted from there (from the start when one goes back, as
  // widened tokens and post-processed ones can).
  uint32_t known_byte = 0, known_char = 0;
  for (auto& e : tokens) {
    widen_to_chars(text, e);
    if (e.byte_begin < known_byte) known_byte = 0, known_char = 0;
    e.char_begin = known_char + count_chars(text, known_byte, e.byte_begin);
    e.char_end = e.byte_end >= e.byte_begin ? e.char_begin + count_chars(text, e.byte_begin, e.byte_end) : e.char_begin;
    known_byte = std::max(e.byte_begin, e.byte_end);
    known_char = std::max(e.char_begin, e.char_end);
  }
}

Result<std::unique_ptr<HfTokenizer>> HfTokenizer::create(TokenizerSpec spec) {
  auto t = std::unique_ptr<HfTokenizer>(new HfTokenizer());
  t->source_ = spec.source;
  if (spec.normalizer) {
    EMB_TRY_ASSIGN(t->normalizer_, make_normalizer(*spec.normalizer));
  }
  if (spec.pre_tokenizer) {
    EMB_TRY_ASSIGN(t->pre_tokenizer_, make_pre_tokenizer(*spec.pre_tokenizer));
    t->byte_level_ = uses_byte_level(*spec.pre_tokenizer);
  }
  if (spec.decoder) {
    EMB_TRY_ASSIGN(t->decoder_, make_decoder(*spec.decoder));
  }
  const auto model_type = spec.model.type;
  // SentencePiece-style vocabularies mark spaces with U+2581 ('▁'), via a Replace normalizer
  // (Llama 2, Gemma) or the Metaspace pre-tokenizer (T5, ALBERT).
  bool uses_metaspace = false;
  if (spec.pre_tokenizer) uses_metaspace = uses_metaspace || mentions_metaspace(*spec.pre_tokenizer);
  if (spec.normalizer) uses_metaspace = uses_metaspace || mentions_metaspace(*spec.normalizer);
  // Fast-path eligibility, decided from the spec before the model takes it.
  const bool nfc_only = spec.normalizer && spec.normalizer->type == NormalizerSpec::Type::NFC;
  const bool no_normalizer = !spec.normalizer || nfc_only ||
                             (spec.normalizer->type == NormalizerSpec::Type::Sequence && spec.normalizer->children.empty());
  std::vector<const PreTokenizerSpec*> steps;
  if (spec.pre_tokenizer) {
    if (spec.pre_tokenizer->type == PreTokenizerSpec::Type::Sequence) {
      for (const auto& ch : spec.pre_tokenizer->children) steps.push_back(&ch);
    } else {
      steps.push_back(&*spec.pre_tokenizer);
    }
  }
  bool eligible = no_normalizer && spec.model.type == ModelSpec::Type::BPE && !steps.empty() &&
                  steps.back()->type == PreTokenizerSpec::Type::ByteLevel && !steps.back()->add_prefix_space;
  for (size_t i = 0; eligible && i < steps.size(); ++i) {
    const PreTokenizerSpec& s = *steps[i];
    if (i + 1 == steps.size()) {
      if (s.use_regex) {
        EMB_TRY_ASSIGN(Pattern p, Pattern::create({true, std::string(kGpt2Pattern)}));
        t->fast_splits_.push_back({std::move(p), true, true});
      }
      break;
    }
    if (s.type != PreTokenizerSpec::Type::Split) {
      eligible = false;
      break;
    }
    FastSplit f;
    EMB_TRY_ASSIGN(f.pattern, Pattern::create(s.pattern));
    if (s.behavior == SplitBehaviorSpec::Isolated && !s.invert) {
      f.keep_matches = f.keep_gaps = true;
    } else if (s.behavior == SplitBehaviorSpec::Removed) {
      f.keep_matches = s.invert;  // inverted: the matches are kept, the gaps removed
      f.keep_gaps = !s.invert;
    } else {
      eligible = false;
      break;
    }
    t->fast_splits_.push_back(std::move(f));
  }
  EMB_TRY_ASSIGN(t->model_, make_model(std::move(spec.model), spec.source));
  const auto* bpe = dynamic_cast<const BpeModel*>(t->model_.get());
  t->fast_ = eligible && bpe && bpe->raw_bytes_ready();
  t->fast_if_nfc_ = t->fast_ && nfc_only;
  t->added_ = std::make_unique<AddedVocabulary>(std::move(spec.added_tokens), t->normalizer_.get());
  {
    constexpr std::string_view kMarker = "\xE2\x96\x81";
    const NormalizerSpec* n = spec.normalizer ? &*spec.normalizer : nullptr;
    const bool replaces_spaces = n && n->type == NormalizerSpec::Type::Replace && !n->pattern.is_regex &&
                                 n->pattern.text == " " && n->content == kMarker;
    // A Split on ' ' finds nothing once every ' ' is a '▁'.
    const PreTokenizerSpec* p = spec.pre_tokenizer ? &*spec.pre_tokenizer : nullptr;
    const bool no_split = !p || (p->type == PreTokenizerSpec::Type::Split && !p->pattern.is_regex &&
                                 p->pattern.text == " " && !p->invert);
    t->marker_fast_ = replaces_spaces && no_split && bpe && bpe->byte_fallback() && bpe->token_to_id(kMarker) &&
                      !t->added_->has_normalized_tokens();
  }
  t->post_ = std::move(spec.post_processor);
  static constexpr std::string_view kModelNames[] = {"BPE", "Unigram", "WordPiece", "WordLevel"};
  t->kind_ = fmt::format("tokenizer.json ({}{})", kModelNames[static_cast<int>(model_type)],
                         t->byte_level_ ? ", byte-level" : "");
  t->metaspace_ = uses_metaspace ? "\xE2\x96\x81" : "";
  return t;
}

std::optional<std::string> HfTokenizer::token_bytes(uint32_t id) const {
  const std::string* piece = id_to_token(id);
  if (!piece) return std::nullopt;
  if (const AddedTokenSpec* a = added_->by_id(id)) return a->content;
  if (byte_level_) {
    if (auto raw = byte_level_to_bytes(*piece)) return raw;
    return *piece;
  }
  // <0xC4> byte-fallback pieces are one byte.
  if (piece->size() == 6 && piece->compare(0, 3, "<0x") == 0 && (*piece)[5] == '>') {
    return std::string(1, static_cast<char>(std::stoi(piece->substr(3, 2), nullptr, 16)));
  }
  std::string out = *piece;
  if (!metaspace_.empty()) {
    for (size_t pos = 0; (pos = out.find(metaspace_, pos)) != std::string::npos;) out.replace(pos, metaspace_.size(), " "), ++pos;
  }
  return out;
}

std::optional<uint32_t> HfTokenizer::token_to_id(std::string_view piece) const {
  if (auto id = added_->token_to_id(piece)) return id;
  return model_->token_to_id(piece);
}

const std::string* HfTokenizer::id_to_token(uint32_t id) const {
  if (const AddedTokenSpec* a = added_->by_id(id)) return &a->content;
  return model_->id_to_token(id);
}

size_t HfTokenizer::vocab_size() const {
  size_t n = model_->vocab_size();
  for (const auto& a : added_->tokens()) n = std::max<size_t>(n, a.id + 1);
  return n;
}

bool HfTokenizer::is_special(uint32_t id) const {
  const AddedTokenSpec* a = added_->by_id(id);
  return a && a->special;
}

Result<std::vector<EncodedToken>> HfTokenizer::encode(std::string_view text, const EncodeOptions& o) const {
  if (auto bad = find_invalid_utf8(text)) {
    return make_error_at(ErrorKind::InvalidUtf8, "<text>", *bad,
                         "the text is not valid UTF-8 (use --lossy to replace invalid bytes with U+FFFD)");
  }
  if (text.size() >= UINT32_MAX / 2) {
    return make_error(ErrorKind::InvalidArgument, "<text>", "texts of 2 GiB or more are not encoded in one piece");
  }
  if (o.special == SpecialTokens::Reject) {
    for (const auto& a : added_->tokens()) {
      if (!a.special) continue;
      if (const size_t at = text.find(a.content); at != std::string_view::npos) {
        return make_error_at(ErrorKind::InvalidArgument, "<text>", at,
                             fmt::format("the text contains the special token '{}' (--special reject)",
                                         escape_for_message(a.content)));
      }
    }
  }
  std::vector<EncodedToken> out;
  out.reserve(expected_tokens(text));
  // NFC leaves NFC text (and its alignments) untouched, so such text takes the fast path.
  if (fast_ && !o.general_path && (!fast_if_nfc_ || is_nfc(text))) {
    encode_fast(text, o.special != SpecialTokens::Text, out);
  } else if (marker_fast_ && !o.general_path) {
    EMB_TRY(encode_marker_fast(text, o.special != SpecialTokens::Text, out));
  } else {
    EMB_TRY(encode_general(text, o, out));
  }
  // The fast paths' byte-level and byte-fallback tokens widen to whole characters, as the
  // general path's alignments do (there, and for added tokens, widening changes nothing).
  finish_offsets(text, out);
  post_process(out, o.add_special_tokens);
  return out;
}

EncodedToken HfTokenizer::added_token(uint32_t id, ByteRange r) const {
  EncodedToken e;
  e.id = id;
  e.byte_begin = r.first;
  e.byte_end = r.second;
  e.added = true;
  e.special = is_special(id);
  return e;
}

void HfTokenizer::encode_fast(std::string_view text, bool match_special, std::vector<EncodedToken>& out) const {
  const auto* bpe = static_cast<const BpeModel*>(model_.get());
  // Scratch kept by the thread: a line at a time would otherwise allocate four vectors.
  thread_local std::vector<std::pair<size_t, size_t>> ranges, next, matches;
  thread_local std::vector<ModelToken> toks;
  thread_local std::vector<uint64_t> hashes;
  TokenCache& cache = bpe->raw_cache();
  for (const auto& [id, r] : added_->split_raw(text, match_special)) {
    if (id) {
      out.push_back(added_token(*id, r));
      continue;
    }
    ranges.assign(1, {r.first, r.second});
    for (const auto& step : fast_splits_) {
      next.clear();
      for (const auto& [b, e] : ranges) {
        step.pattern.find_ranges(text.substr(b, e - b), matches);
        size_t prev = b;
        for (const auto& [mb, me] : matches) {
          if (step.keep_gaps && prev < b + mb) next.emplace_back(prev, b + mb);
          if (step.keep_matches && mb < me) next.emplace_back(b + mb, b + me);
          prev = b + me;
        }
        if (step.keep_gaps && prev < e) next.emplace_back(prev, e);
      }
      ranges.swap(next);
    }
    // The word cache is larger than the core's caches: its lookups are pipelined.
    hashes.resize(ranges.size());
    for (size_t k = 0; k < ranges.size(); ++k) {
      hashes[k] = hash_bytes(text.substr(ranges[k].first, ranges[k].second - ranges[k].first));
    }
    for (size_t k = 0; k < ranges.size(); ++k) {
      cache.prefetch_ahead(hashes, k);
      const auto [b, e] = ranges[k];
      toks.clear();
      bpe->tokenize_raw_bytes(text.substr(b, e - b), hashes[k], cache, toks);
      for (const auto& mt : toks) {
        EncodedToken tok;
        tok.id = mt.id;
        tok.byte_begin = static_cast<uint32_t>(b + mt.begin);
        tok.byte_end = static_cast<uint32_t>(b + mt.end);
        out.push_back(tok);
      }
    }
  }
}

Status HfTokenizer::encode_marker_fast(std::string_view text, bool match_special, std::vector<EncodedToken>& out) const {
  constexpr std::string_view kMarker = "\xE2\x96\x81";
  thread_local std::string norm;
  thread_local std::vector<uint32_t> markers;  // where each ' ' became a '▁' in norm
  thread_local std::vector<ModelToken> toks;
  for (const auto& [id, r] : added_->split_raw(text, match_special)) {
    if (id) {
      out.push_back(added_token(*id, r));
      continue;
    }
    const std::string_view piece = text.substr(r.first, r.second - r.first);
    norm.clear();
    markers.clear();
    for (size_t i = 0; i < piece.size();) {
      const size_t space = piece.find(' ', i);
      const size_t stop = space == std::string_view::npos ? piece.size() : space;
      norm.append(piece, i, stop - i);
      if (stop == piece.size()) break;
      markers.push_back(static_cast<uint32_t>(norm.size()));
      norm.append(kMarker);
      i = stop + 1;
    }
    toks.clear();
    EMB_TRY(model_->tokenize(norm, toks));
    // Token offsets only grow; a '▁' is never split ('▁' is a piece), so each normalized
    // offset sits at a character boundary and maps back by two bytes per '▁' before it.
    size_t seen = 0;
    const uint32_t base = r.first;  // (clang: a structured binding cannot be captured)
    auto to_original = [&](uint32_t at) {
      while (seen < markers.size() && markers[seen] < at) ++seen;
      return base + at - 2 * static_cast<uint32_t>(seen);
    };
    for (const auto& mt : toks) {
      EncodedToken e;
      e.id = mt.id;
      e.byte_begin = to_original(mt.begin);
      e.byte_end = to_original(mt.end);
      out.push_back(e);
    }
  }
  return {};
}

Status HfTokenizer::encode_general(std::string_view text, const EncodeOptions& o, std::vector<EncodedToken>& out) const {
  PreTokenizedString pre = added_->extract_and_normalize(text, normalizer_.get(), o.special != SpecialTokens::Text);
  if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pre);

  std::vector<ModelToken> toks;
  for (auto& split : pre.splits) {
    const bool added = split.tokens.has_value();
    if (!added) {
      toks.clear();
      EMB_TRY(model_->tokenize(split.normalized.get(), toks));
    }
    const auto& list = added ? *split.tokens : toks;
    const uint32_t shift = static_cast<uint32_t>(split.normalized.original_shift());
    for (const auto& mt : list) {
      EncodedToken e;
      e.id = mt.id;
      auto r = split.normalized.normalized_to_original(mt.begin, mt.end);
      const ByteRange orig = r ? ByteRange(shift + r->first, shift + r->second) : ByteRange(mt.begin, mt.end);
      e.byte_begin = orig.first;
      e.byte_end = orig.second;
      e.added = added;
      e.special = added && is_special(mt.id);
      out.push_back(e);
    }
  }
  return {};
}

void HfTokenizer::post_process(std::vector<EncodedToken>& tokens, bool add_special) const {
  if (!post_) return;
  std::vector<const PostProcessorSpec*> steps;
  if (post_->type == PostProcessorSpec::Type::Sequence) {
    for (const auto& c : post_->children) steps.push_back(&c);
  } else {
    steps.push_back(&*post_);
  }
  for (const PostProcessorSpec* p : steps) {
    using PT = PostProcessorSpec::Type;
    switch (p->type) {
      case PT::ByteLevel:
        if (p->trim_offsets) trim_offsets(tokens, *this, p->add_prefix_space);
        break;
      case PT::Roberta:
        if (p->trim_offsets) trim_offsets(tokens, *this, p->add_prefix_space);
        [[fallthrough]];
      case PT::Bert:
        if (add_special) {
          EncodedToken cls{p->cls.second, 0, 0, 0, 0, true, false, 0};
          EncodedToken sep{p->sep.second, 0, 0, 0, 0, true, false, 0};
          tokens.insert(tokens.begin(), cls);
          tokens.push_back(sep);
        }
        break;
      case PT::TemplateProcessing:
        if (add_special) {
          std::vector<EncodedToken> out;
          for (const auto& piece : p->single) {
            if (!piece.is_special) {
              for (auto t : tokens) {
                t.type_id = piece.type_id;
                out.push_back(t);
              }
              continue;
            }
            for (const auto& [name, ids_tokens] : p->special_tokens) {
              if (name != piece.id) continue;
              for (uint32_t id : ids_tokens.first) out.push_back({id, 0, 0, 0, 0, true, false, piece.type_id});
            }
          }
          tokens = std::move(out);
        }
        break;
      case PT::Sequence: break;  // nested sequences are flattened one level only
    }
  }
}

Result<std::string> HfTokenizer::decode(std::span<const uint32_t> ids, bool skip_special) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (uint32_t id : ids) {
    const std::string* piece = id_to_token(id);
    if (!piece) {
      return make_error(ErrorKind::OutOfRange, "ids",
                        fmt::format("id {} is not in the vocabulary (size {})", id, vocab_size()));
    }
    if (skip_special && is_special(id)) continue;
    tokens.push_back(*piece);
  }
  if (decoder_) decoder_->decode_chain(tokens);
  std::string out;
  for (const auto& t : tokens) out += t;
  return out;
}

}  // namespace embscope
