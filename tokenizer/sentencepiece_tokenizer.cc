// SentencePiece through libsentencepiece.
#include "tokenizer/sentencepiece_tokenizer.h"

#include <fmt/format.h>
#include <sentencepiece_processor.h>

#include <filesystem>

#include "core/utf8.h"
#include "tokenizer/decoders.h"

namespace embscope {

SentencePieceTokenizer::SentencePieceTokenizer() : sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return make_error(ErrorKind::NotFound, path, "no such file");
  auto t = std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer());
  t->source_ = path;
  const auto status = t->sp_->Load(path);
  if (!status.ok()) {
    return make_error(ErrorKind::Format, path,
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
