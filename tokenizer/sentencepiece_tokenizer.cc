// SentencePiece through libsentencepiece.
#include "tokenizer/sentencepiece_tokenizer.h"

#include <fmt/format.h>
#include <sentencepiece_processor.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/utf8.h"
#include "tokenizer/decoders.h"
#include "tokenizer/precompiled.h"

namespace embscope {
namespace {

// The two charsmaps of a ModelProto (sentencepiece_model.proto): normalizer_spec (field 3) and
// denormalizer_spec (field 5), each a NormalizerSpec whose precompiled_charsmap is field 2. Read
// from the protobuf wire format here, not with libprotobuf: libsentencepiece exports the symbols
// of the protobuf-lite it bundles, and the system libprotobuf-lite in the same process crashed
// (docs/tokenizers.md). As protobuf merges them: a repeated message field merges, the last bytes win.
struct ModelCharsmaps {
  std::string_view normalizer, denormalizer;
};

// One field of a protobuf message: its number, wire type, and payload (length-delimited) or end.
struct WireField {
  uint64_t number = 0;
  uint32_t wire = 0;
  std::string_view payload;
};

class WireReader {
 public:
  WireReader(std::string_view bytes, size_t base) : bytes_(bytes), base_(base) {}
  bool done() const { return at_ >= bytes_.size(); }
  // Errors name the file offset of the field that does not parse.
  Result<WireField> next(const std::string& source) {
    const size_t start = at_;
    auto fail = [&](std::string_view what) {
      return make_error_at(ErrorKind::Format, source, base_ + start,
                           fmt::format("not a SentencePiece model: expected a protobuf field of a ModelProto, {}", what));
    };
    WireField f;
    uint64_t key = 0;
    if (!varint(key)) return fail("the field key is cut or too long");
    f.number = key >> 3;
    f.wire = static_cast<uint32_t>(key & 7);
    uint64_t skip = 0;
    switch (f.wire) {
      case 0:
        if (!varint(skip)) return fail("a varint is cut or too long");
        return f;
      case 1: skip = 8; break;
      case 5: skip = 4; break;
      case 2:
        if (!varint(skip)) return fail("a length is cut or too long");
        break;
      default: return fail(fmt::format("wire type {} is not one a ModelProto uses", f.wire));
    }
    if (skip > bytes_.size() - at_) return fail(fmt::format("{} bytes are stated and {} remain", skip, bytes_.size() - at_));
    f.payload = bytes_.substr(at_, skip);
    at_ += skip;
    return f;
  }
  size_t offset_of(std::string_view inner) const { return base_ + static_cast<size_t>(inner.data() - bytes_.data()); }

 private:
  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64 && at_ < bytes_.size(); shift += 7) {
      const auto b = static_cast<uint8_t>(bytes_[at_++]);
      out |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  std::string_view bytes_;
  size_t base_;
  size_t at_ = 0;
};

Result<ModelCharsmaps> model_charsmaps(std::string_view bytes, const std::string& source) {
  ModelCharsmaps out;
  WireReader model(bytes, 0);
  while (!model.done()) {
    EMB_TRY_ASSIGN(const WireField f, model.next(source));
    if (f.wire != 2 || (f.number != 3 && f.number != 5)) continue;
    WireReader spec(f.payload, model.offset_of(f.payload));
    while (!spec.done()) {
      EMB_TRY_ASSIGN(const WireField g, spec.next(source));
      if (g.wire == 2 && g.number == 2) (f.number == 3 ? out.normalizer : out.denormalizer) = g.payload;
    }
  }
  return out;
}

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer() : sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return make_error(ErrorKind::NotFound, path, "no such file");
  EMB_TRY_ASSIGN(const std::string bytes, read_file(path));
  return from_bytes(bytes, path);
}

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::from_bytes(std::string_view bytes,
                                                                                 const std::string& source) {
  // libsentencepiece searches a normalizer's charsmap without bounds checks (a hostile file
  // crashed it), so the charsmaps are read here first and every search they allow is checked.
  EMB_TRY_ASSIGN(const ModelCharsmaps maps, model_charsmaps(bytes, source));
  EMB_TRY(PrecompiledCharsmap::check_for_sentencepiece(maps.normalizer,
                                                       fmt::format("{}: normalizer_spec.precompiled_charsmap", source)));
  EMB_TRY(PrecompiledCharsmap::check_for_sentencepiece(maps.denormalizer,
                                                       fmt::format("{}: denormalizer_spec.precompiled_charsmap", source)));
  auto t = std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer());
  t->source_ = source;
  sentencepiece::util::Status status;
  try {
    status = t->sp_->LoadFromSerializedProto(bytes);
  } catch (const std::exception& e) {  // darts-clone throws on some hostile vocabularies (an empty piece)
    return make_error(ErrorKind::Format, source,
                      fmt::format("not a SentencePiece model: its vocabulary could not be built: {}",
                                  escape_for_message(e.what(), 200)));
  }
  if (!status.ok()) {
    return make_error(ErrorKind::Format, source,
                      fmt::format("not a SentencePiece model: {}", escape_for_message(status.ToString(), 200)));
  }
  return t;
}

Result<std::vector<EncodedToken>> SentencePieceTokenizer::encode(std::string_view text, const EncodeOptions& o) const {
  if (auto bad = find_invalid_utf8(text)) {
    return make_error_at(ErrorKind::InvalidUtf8, "<text>", *bad,
                         "the text is not valid UTF-8 (use --lossy to replace invalid bytes with U+FFFD)");
  }
  if (o.special == SpecialTokens::Reject) {
    for (int id = 0; id < sp_->GetPieceSize(); ++id) {
      if (!sp_->IsControl(id)) continue;
      const std::string& piece = sp_->IdToPiece(id);
      if (const size_t at = text.find(piece); !piece.empty() && at != std::string_view::npos) {
        return make_error_at(ErrorKind::InvalidArgument, "<text>", at,
                             fmt::format("the text contains the control symbol '{}' (--special reject)", piece));
      }
    }
  }
  const auto proto = sp_->EncodeAsImmutableProto(std::string(text));
  std::vector<EncodedToken> out;
  if (o.add_special_tokens && sp_->bos_id() >= 0) {
    out.push_back({static_cast<uint32_t>(sp_->bos_id()), 0, 0, 0, 0, true, false, 0});
  }
  for (const auto& p : proto.pieces()) {
    EncodedToken e;
    e.id = p.id();
    e.byte_begin = std::min<uint32_t>(p.begin(), static_cast<uint32_t>(text.size()));
    e.byte_end = std::min<uint32_t>(std::max(p.end(), p.begin()), static_cast<uint32_t>(text.size()));
    e.special = sp_->IsControl(static_cast<int>(p.id()));
    out.push_back(e);
  }
  finish_offsets(text, out);
  return out;
}

Result<std::string> SentencePieceTokenizer::decode(std::span<const uint32_t> ids, bool skip_special) const {
  std::vector<int> v;
  for (uint32_t id : ids) {
    if (id >= static_cast<uint32_t>(sp_->GetPieceSize())) {
      return make_error(ErrorKind::OutOfRange, "ids", fmt::format("id {} is not in the model (size {})", id, sp_->GetPieceSize()));
    }
    if (skip_special && sp_->IsControl(static_cast<int>(id))) continue;
    v.push_back(static_cast<int>(id));
  }
  return sp_->DecodeIds(v);
}

std::optional<uint32_t> SentencePieceTokenizer::token_to_id(std::string_view piece) const {
  const int id = sp_->PieceToId(std::string(piece));
  if (id < 0 || (sp_->IsUnknown(id) && sp_->IdToPiece(id) != piece)) return std::nullopt;
  return static_cast<uint32_t>(id);
}

const std::string* SentencePieceTokenizer::id_to_token(uint32_t id) const {
  if (id >= static_cast<uint32_t>(sp_->GetPieceSize())) return nullptr;
  return &sp_->IdToPiece(static_cast<int>(id));
}

std::optional<std::string> SentencePieceTokenizer::token_bytes(uint32_t id) const {
  const std::string* piece = id_to_token(id);
  if (!piece) return std::nullopt;
  if (sp_->IsByte(static_cast<int>(id)) && piece->size() == 6) {
    return std::string(1, static_cast<char>(std::stoi(piece->substr(3, 2), nullptr, 16)));
  }
  std::string out = *piece;
  constexpr std::string_view kMarker = "\xE2\x96\x81";
  for (size_t pos = 0; (pos = out.find(kMarker, pos)) != std::string::npos;) out.replace(pos, kMarker.size(), " "), ++pos;
  return out;
}

size_t SentencePieceTokenizer::vocab_size() const { return static_cast<size_t>(sp_->GetPieceSize()); }

bool SentencePieceTokenizer::is_special(uint32_t id) const {
  return id < static_cast<uint32_t>(sp_->GetPieceSize()) && sp_->IsControl(static_cast<int>(id));
}

}  // namespace embscope
