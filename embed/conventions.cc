// The naming / scaling / position tables. Sources: transformers' modeling_<type>.py of each
// family (the embedding module and its forward).
#include "embed/conventions.h"

#include <array>

namespace embscope {
namespace {

constexpr std::array<std::string_view, 17> kTokenNames = {
    "wte.weight",                                  // GPT-2 (original checkpoint)
    "transformer.wte.weight",                      // GPT-2, GPT-J, CodeGen
    "model.embed_tokens.weight",                   // Llama, Mistral, Qwen, Gemma, DeepSeek
    "model.language_model.embed_tokens.weight",    // Gemma 3 / Llama 4 multimodal
    "language_model.model.embed_tokens.weight",    // older multimodal layout
    "model.shared.weight",                         // NLLB / M2M100 / BART
    "shared.weight",                               // T5
    "model.encoder.embed_tokens.weight",           // encoder-decoder without a shared table
    "embeddings.word_embeddings.weight",           // BERT (bare)
    "bert.embeddings.word_embeddings.weight",      // BERT (task heads)
    "roberta.embeddings.word_embeddings.weight",   // RoBERTa
    "transformer.word_embeddings.weight",          // BLOOM, Falcon
    "gpt_neox.embed_in.weight",                    // Pythia / GPT-NeoX
    "tok_embeddings.weight",                       // Meta's original Llama checkpoints
    "token_embd.weight",                           // GGUF naming
    "embed_tokens.weight",                         // embscope init / bare models
    "embeddings",                                  // .npy and word-vector files
};

constexpr std::array<std::string_view, 5> kPositionNames = {
    "wpe.weight", "transformer.wpe.weight", "embeddings.position_embeddings.weight",
    "bert.embeddings.position_embeddings.weight", "roberta.embeddings.position_embeddings.weight",
};

constexpr std::array<std::string_view, 4> kHeadNames = {
    "lm_head.weight", "embed_out.weight", "output.weight", "model.lm_head.weight",
};

constexpr std::array<std::string_view, 3> kTokenTypeNames = {
    "embeddings.token_type_embeddings.weight", "bert.embeddings.token_type_embeddings.weight",
    "roberta.embeddings.token_type_embeddings.weight",
};

constexpr std::array kFacts = {
    ModelTypeFacts{"gpt2", PositionKind::Learned, ScaleRule::None},
    ModelTypeFacts{"gptj", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"gpt_neox", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"bert", PositionKind::Learned, ScaleRule::None},
    ModelTypeFacts{"roberta", PositionKind::Learned, ScaleRule::None},
    ModelTypeFacts{"distilbert", PositionKind::Learned, ScaleRule::None},
    ModelTypeFacts{"llama", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"llama4", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"llama4_text", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"mistral", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"mixtral", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"qwen2", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"qwen3", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"qwen3_moe", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"deepseek_v3", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"phi3", PositionKind::Rotary, ScaleRule::None},
    ModelTypeFacts{"gemma", PositionKind::Rotary, ScaleRule::SqrtHidden},
    ModelTypeFacts{"gemma2", PositionKind::Rotary, ScaleRule::SqrtHidden},
    ModelTypeFacts{"gemma3", PositionKind::Rotary, ScaleRule::SqrtHidden},
    ModelTypeFacts{"gemma3_text", PositionKind::Rotary, ScaleRule::SqrtHidden},
    ModelTypeFacts{"m2m_100", PositionKind::Sinusoidal, ScaleRule::SqrtHiddenIfConfig},
    ModelTypeFacts{"nllb_moe", PositionKind::Sinusoidal, ScaleRule::SqrtHiddenIfConfig},
    ModelTypeFacts{"marian", PositionKind::Sinusoidal, ScaleRule::SqrtHiddenIfConfig},
    ModelTypeFacts{"bart", PositionKind::Learned, ScaleRule::SqrtHiddenIfConfig},
    ModelTypeFacts{"mbart", PositionKind::Learned, ScaleRule::SqrtHiddenIfConfig},
    ModelTypeFacts{"t5", PositionKind::RelativeBias, ScaleRule::None},
    ModelTypeFacts{"mt5", PositionKind::RelativeBias, ScaleRule::None},
    ModelTypeFacts{"bloom", PositionKind::Alibi, ScaleRule::None},
    ModelTypeFacts{"mpt", PositionKind::Alibi, ScaleRule::None},
    ModelTypeFacts{"falcon", PositionKind::Rotary, ScaleRule::None},
    // embscope's own: static word2vec tables (train word2vec) and untrained tables (init).
    ModelTypeFacts{"embscope_word2vec", PositionKind::None, ScaleRule::None},
    ModelTypeFacts{"embscope_init", PositionKind::None, ScaleRule::None},
};

}  // namespace

std::span<const std::string_view> token_table_names() { return kTokenNames; }
std::span<const std::string_view> position_table_names() { return kPositionNames; }
std::span<const std::string_view> output_head_names() { return kHeadNames; }
std::span<const std::string_view> token_type_table_names() { return kTokenTypeNames; }

std::string_view position_kind_name(PositionKind k) {
  switch (k) {
    case PositionKind::None: return "none";
    case PositionKind::Learned: return "learned (absolute table)";
    case PositionKind::Sinusoidal: return "sinusoidal (computed, not stored)";
    case PositionKind::Rotary: return "rotary (RoPE, applied inside attention)";
    case PositionKind::Alibi: return "ALiBi (attention bias)";
    case PositionKind::RelativeBias: return "relative position bias (attention)";
    case PositionKind::Unknown: return "unknown";
  }
  return "unknown";
}

const ModelTypeFacts* model_type_facts(std::string_view model_type) {
  for (const auto& f : kFacts)
    if (f.model_type == model_type) return &f;
  return nullptr;
}

}  // namespace embscope
