// word2vec run directory: model, checkpoint and snapshot files.
#include "train/word2vec_io.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "formats/safetensors.h"
#include "formats/tensor_map.h"

namespace embscope {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStateKey = "embscope.word2vec.state";
constexpr const char* kSnapshotKey = "embscope.word2vec.snapshot";

nlohmann::ordered_json options_json(const Word2VecOptions& o) {
  return {{"architecture", o.skip_gram ? "skip-gram" : "cbow"},
          {"dim", o.dim},
          {"window", o.window},
          {"negative", o.negative},
          {"hierarchical_softmax", o.hierarchical},
          {"sample", o.sample},
          {"ns_exponent", o.ns_exponent},
          {"cbow_mean", o.cbow_mean},
          {"epochs", o.epochs},
          {"alpha", o.alpha},
          {"min_alpha", o.min_alpha},
          {"threads", o.threads},
          {"seed", o.seed}};
}

struct Fnv {
  uint64_t h = 0xcbf29ce484222325ull;
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  }
  template <class T>
  void value(const T& v) {
    bytes(&v, sizeof v);
  }
};

template <class T, class A>
std::span<const std::byte> as_bytes_of(const std::vector<T, A>& v) {
  return std::as_bytes(std::span(v));
}

Result<TensorMap> open_safetensors(const std::string& path) {
  TensorMap m;
  EMB_TRY(read_safetensors(path, m));
  return m;
}

Result<nlohmann::json> metadata_json(const TensorMap& m, const char* key, const std::string& path) {
  auto it = m.metadata().find(key);
  if (it == m.metadata().end()) {
    return make_error(ErrorKind::Format, path, fmt::format("not an embscope word2vec file: no '{}' metadata", key));
  }
  auto j = nlohmann::json::parse(it->second, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error(ErrorKind::Format, path, fmt::format("metadata '{}' is not a JSON object", key));
  }
  return j;
}

}  // namespace

Status write_word2vec_model(const std::string& out_dir, const TrainVocab& vocab, const Word2VecTables& tables,
                            const Word2VecOptions& o, const Word2VecState& state, const RunDescription& run,
                            DType dtype) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return make_error(ErrorKind::Io, out_dir, "cannot create the output directory: " + ec.message());
  const uint64_t n_rows = vocab.counts.size();
  const std::vector<float> table = tables.embeddings();
  std::vector<uint16_t> half;
  if (dtype == DType::F16) {
    half.resize(table.size());
    std::transform(table.begin(), table.end(), half.begin(), f32_to_f16);
  }
  std::vector<int64_t> counts(vocab.counts.begin(), vocab.counts.end());
  const TensorToWrite tensors[] = {
      {"embed_tokens.weight", dtype, {n_rows, tables.dim}, dtype == DType::F16 ? as_bytes_of(half) : as_bytes_of(table)},
      {"embscope.trained", DType::U8, {n_rows}, as_bytes_of(vocab.trained)},
      {"embscope.counts", DType::I64, {n_rows}, as_bytes_of(counts)},
  };
  const double mean_loss = state.loss_terms ? state.loss_sum / static_cast<double>(state.loss_terms) : 0.0;
  nlohmann::ordered_json train = {{"algorithm", "word2vec"},
                                  {"options", options_json(o)},
                                  {"corpus", run.corpus},
                                  {"tokenizer", run.tokenizer.empty() ? "whitespace words" : run.tokenizer},
                                  {"corpus_words", run.raw_words},
                                  {"trained_rows", vocab.n_trained()},
                                  {"mean_loss", mean_loss}};
  EMB_TRY(write_safetensors((fs::path(out_dir) / "model.safetensors").string(), tensors,
                            {{"format", "pt"}, {"embscope.train", train.dump()}}));
  nlohmann::ordered_json config = {{"model_type", "embscope_word2vec"},
                                   {"vocab_size", n_rows},
                                   {"hidden_size", tables.dim},
                                   {"torch_dtype", dtype == DType::F16 ? "float16" : "float32"},
                                   {"embscope", {{"state", "trained"}, {"train", train}}}};
  EMB_TRY(write_file_atomic((fs::path(out_dir) / "config.json").string(), config.dump(2) + "\n"));
  if (run.tokenizer.empty()) {
    std::string lines;
    for (const auto& p : vocab.pieces) lines += p + "\n";
    EMB_TRY(write_file_atomic((fs::path(out_dir) / "vocab.txt").string(), lines));
  }
  return {};
}

std::string run_fingerprint(const TrainVocab& vocab, const TrainCorpus& corpus, const Word2VecOptions& o) {
  Fnv f;
  const std::string opts = [&] {
    auto j = options_json(o);
    j.erase("threads");
    return j.dump();
  }();
  f.bytes(opts.data(), opts.size());
  f.bytes(vocab.counts.data(), vocab.counts.size() * sizeof(uint64_t));
  f.bytes(vocab.trained.data(), vocab.trained.size());
  f.bytes(corpus.ids.data(), corpus.ids.size() * sizeof(uint32_t));
  f.bytes(corpus.sentence_ends.data(), corpus.sentence_ends.size() * sizeof(uint64_t));
  return fmt::format("{:016x}", f.h);
}

Status write_checkpoint(const std::string& path, const Word2VecTables& tables, const Word2VecState& state,
                        const std::string& fingerprint) {
  const uint64_t n_rows = tables.syn0.size() / tables.stride;
  std::vector<TensorToWrite> tensors = {{"syn0", DType::F32, {n_rows, tables.stride}, as_bytes_of(tables.syn0)}};
  if (!tables.syn1neg.empty()) tensors.push_back({"syn1neg", DType::F32, {n_rows, tables.stride}, as_bytes_of(tables.syn1neg)});
  if (!tables.syn1.empty()) tensors.push_back({"syn1", DType::F32, {n_rows, tables.stride}, as_bytes_of(tables.syn1)});
  const nlohmann::ordered_json j = {{"fingerprint", fingerprint},
                                    {"epoch", state.epoch},
                                    {"next_block", state.next_block},
                                    {"words_done", state.words_done},
                                    {"loss_sum", fmt::format("{:a}", state.loss_sum)},
                                    {"loss_terms", state.loss_terms},
                                    {"finished", state.finished}};
  return write_safetensors(path, tensors, {{kStateKey, j.dump()}});
}

Status read_checkpoint(const std::string& path, Word2VecTables& tables, Word2VecState& state,
                       const std::string& fingerprint) {
  EMB_TRY_ASSIGN(auto m, open_safetensors(path));
  EMB_TRY_ASSIGN(auto j, metadata_json(m, kStateKey, path));
  if (j.value("fingerprint", "") != fingerprint) {
    return make_error(ErrorKind::InvalidArgument, path,
                      "this checkpoint belongs to another run (different corpus, vocabulary or options); resume with "
                      "the same corpus and flags, or start afresh without --resume");
  }
  const uint64_t n_rows = tables.syn0.size() / tables.stride;
  auto load = [&](const char* name, AlignedFloats& into) -> Status {
    if (into.empty()) return {};
    const TensorRef* t = m.find(name);
    if (!t || t->dtype != DType::F32 || t->shape != std::vector<uint64_t>{n_rows, tables.stride}) {
      return make_error(ErrorKind::Format, path,
                        fmt::format("checkpoint tensor '{}' is missing or not F32 [{}, {}]", name, n_rows, tables.stride));
    }
    std::memcpy(into.data(), t->bytes.data(), t->bytes.size());
    return {};
  };
  EMB_TRY(load("syn0", tables.syn0));
  EMB_TRY(load("syn1neg", tables.syn1neg));
  EMB_TRY(load("syn1", tables.syn1));
  try {
    state.epoch = j.at("epoch").get<uint32_t>();
    state.next_block = j.at("next_block").get<uint64_t>();
    state.words_done = j.at("words_done").get<uint64_t>();
    state.loss_sum = std::strtod(j.at("loss_sum").get<std::string>().c_str(), nullptr);
    state.loss_terms = j.at("loss_terms").get<uint64_t>();
    state.finished = j.at("finished").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    return make_error(ErrorKind::Format, path, fmt::format("checkpoint state: {}", e.what()));
  }
  return {};
}

Status write_snapshot(const std::string& out_dir, uint32_t index, const Word2VecTables& tables,
                      const SnapshotInfo& info) {
  const fs::path dir = fs::path(out_dir) / "snapshots";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorKind::Io, dir.string(), "cannot create the snapshot directory: " + ec.message());
  const std::vector<float> table = tables.embeddings();
  std::vector<uint16_t> half(table.size());
  std::transform(table.begin(), table.end(), half.begin(), f32_to_f16);
  const uint64_t n_rows = table.size() / tables.dim;
  const TensorToWrite t[] = {{"embed_tokens.weight", DType::F16, {n_rows, tables.dim}, as_bytes_of(half)}};
  const nlohmann::ordered_json j = {{"index", index}, {"epoch", info.epoch}, {"words_done", info.words_done},
                                    {"loss", info.loss}};
  return write_safetensors((dir / fmt::format("{:04}.safetensors", index)).string(), t, {{kSnapshotKey, j.dump()}});
}

Result<std::vector<SnapshotInfo>> list_snapshots(const std::string& run_dir) {
  const fs::path dir = fs::path(run_dir) / "snapshots";
  std::error_code ec;
  std::vector<std::string> paths;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == 16 && name.ends_with(".safetensors") && std::all_of(name.begin(), name.begin() + 4, ::isdigit)) {
      paths.push_back(it->path().string());
    }
  }
  if (paths.empty()) {
    return make_error(ErrorKind::NotFound, dir.string(),
                      "no snapshots here; train with --snapshot-every to keep the table at moments of training");
  }
  std::sort(paths.begin(), paths.end());
  std::vector<SnapshotInfo> out;
  for (const auto& p : paths) {
    EMB_TRY_ASSIGN(auto m, open_safetensors(p));
    EMB_TRY_ASSIGN(auto j, metadata_json(m, kSnapshotKey, p));
    SnapshotInfo s;
    s.path = p;
    s.epoch = j.value("epoch", 0.0);
    s.words_done = j.value("words_done", uint64_t{0});
    s.loss = j.value("loss", 0.0);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace embscope
