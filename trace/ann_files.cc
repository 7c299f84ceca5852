// Index file + JSON sidecar with size and CRC-32 (zlib).
#include "trace/ann_files.h"

#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace embscope {
namespace {

// CRC-32 and size of a file, streamed.
Result<std::pair<uint32_t, uint64_t>> crc_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::NotFound, path, "cannot open the index file");
  std::vector<char> buf(1 << 20);
  uLong crc = crc32(0L, Z_NULL, 0);
  uint64_t bytes = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<size_t>(in.gcount());
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), static_cast<uInt>(got));
    bytes += got;
  }
  return std::pair<uint32_t, uint64_t>{static_cast<uint32_t>(crc), bytes};
}

}  // namespace

const char* metric_name(Metric m) { return m == Metric::Dot ? "dot" : m == Metric::Euclidean ? "euclidean" : "cosine"; }

std::string default_ann_path(const std::string& model_path) {
  std::error_code ec;
  if (std::filesystem::is_directory(model_path, ec)) return (std::filesystem::path(model_path) / "embscope.hnsw").string();
  return model_path + ".hnsw";
}

Result<AnnInfo> save_ann(const AnnIndex& index, const std::string& path, AnnInfo info) {
  const std::string tmp = fmt::format("{}.tmp-{}", path, ::getpid());
  if (auto st = index.save(tmp); !st) {
    std::remove(tmp.c_str());
    return st.error();
  }
  auto crc = crc_of(tmp);
  if (!crc) {
    std::remove(tmp.c_str());
    return crc.error();
  }
  info.crc32 = crc->first;
  info.bytes = crc->second;
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return make_error(ErrorKind::Io, path, fmt::format("cannot rename the index into place: {}", ec.message()));
  }
  const nlohmann::json j = {{"format", "embscope-hnsw-1"},
                            {"library", "hnswlib 0.6.2"},
                            {"metric", info.metric},
                            {"n_rows", info.n_rows},
                            {"n_dims", info.n_dims},
                            {"m", info.m},
                            {"ef_construction", info.ef_construction},
                            {"recall", info.recall},
                            {"recall_k", info.recall_k},
                            {"recall_queries", info.recall_queries},
                            {"ef_search", info.ef_search},
                            {"build_seconds", info.build_seconds},
                            {"bytes", info.bytes},
                            {"crc32", info.crc32}};
  EMB_TRY(write_file_atomic(path + ".json", j.dump(2) + "\n"));
  return info;
}

Result<std::pair<AnnIndex, AnnInfo>> load_ann(const std::string& path, RowTable table, Metric metric) {
  const std::string side = path + ".json";
  EMB_TRY_ASSIGN(auto text, read_file(side));
  AnnInfo info;
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.value("format", "") != "embscope-hnsw-1")
      return make_error(ErrorKind::Format, side, "not an embscope index sidecar (expected format \"embscope-hnsw-1\")");
    info.metric = j.at("metric").get<std::string>();
    info.n_rows = j.at("n_rows").get<uint64_t>();
    info.n_dims = j.at("n_dims").get<uint64_t>();
    info.m = j.at("m").get<uint64_t>();
    info.ef_construction = j.at("ef_construction").get<uint64_t>();
    info.recall = j.at("recall").get<double>();
    info.recall_k = j.at("recall_k").get<uint64_t>();
    info.recall_queries = j.at("recall_queries").get<uint64_t>();
    info.ef_search = j.at("ef_search").get<uint64_t>();
    info.build_seconds = j.value("build_seconds", 0.0);
    info.bytes = j.at("bytes").get<uint64_t>();
    info.crc32 = j.at("crc32").get<uint32_t>();
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Format, side, fmt::format("unreadable index sidecar: {}", e.what()));
  }
  if (info.metric != metric_name(metric))
    return make_error(ErrorKind::Format, path,
                      fmt::format("the index was built for {}, the search asks for {}", info.metric, metric_name(metric)));
  if (info.n_rows != table.n_rows || info.n_dims != table.n_cols)
    return make_error(ErrorKind::Format, path,
                      fmt::format("the index was built for a {} x {} table, this model's is {} x {}", info.n_rows,
                                  info.n_dims, table.n_rows, table.n_cols));
  EMB_TRY_ASSIGN(auto crc, crc_of(path));
  if (crc.second != info.bytes)
    return make_error(ErrorKind::Truncated, path,
                      fmt::format("the index file has {} bytes, its sidecar says {}", crc.second, info.bytes));
  if (crc.first != info.crc32)
    return make_error(ErrorKind::Format, path,
                      fmt::format("the index file's CRC-32 is {:08x}, its sidecar says {:08x}: the file changed", crc.first,
                                  info.crc32));
  EMB_TRY_ASSIGN(auto index, AnnIndex::load(path, table, metric, info.m));
  return std::pair<AnnIndex, AnnInfo>{std::move(index), info};
}

}  // namespace embscope
