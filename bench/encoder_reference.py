#!/usr/bin/env python3
"""The reference the Swift MiniLM encoder is held to.

  fixture  writes Tests/MiniLMTests/Fixtures/reference-embeddings.json: token ids and
           embeddings from sentence-transformers for the texts below.
  bench    times sentence-transformers (PyTorch, 2 threads) and onnxruntime (2 threads)
           on bench/encoder-texts.json and prints JSON, for `indaga bench encoder --reference`.
           `bench SECONDS pytorch` (or `onnxruntime`) times one side only, in a process of its
           own, so `indaga bench all --reference` reads each side's peak memory apart.

Runs offline from the weights scripts/setup.sh unpacked (models/all-MiniLM-L6-v2), in the
environment bench/setup-reference.sh builds.
"""
import json
import os
import pathlib
import statistics
import sys
import time
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")  # no "Loading weights" bar in the benchmark's progress lines
ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "all-MiniLM-L6-v2"
FIXTURE = ROOT / "Tests" / "MiniLMTests" / "Fixtures" / "reference-embeddings.json"
THREADS = 2

# Texts a manager, the metadata and a careless user produce; each line covers a tokenizer rule.
TEXTS = [
    # Portuguese questions: accents, cedilla, punctuation.
    "Quantos alunos evadiram em 2023?",
    "Qual a frequência média por turma?",
    "Ação rápida: não é fácil, coração!",
    "Quais alunos da turma 5B correm mais risco de evasão?",
    "Quais alunos da turma 5B correm mais risco de evasao?",
    "QUAL A MÉDIA DE INDE POR ESCOLA EM 2024???",
    "Avô e avó não são a mesma pessoa.",
    "Avo e avo nao sao a mesma pessoa.",
    "O gato está dormindo no sofá.",
    "Mostre as entregas atrasadas de matemática — só as de outubro/2024.",
    "Alunos c/ freq. < 75% no 1º semestre (fev–jun)",
    "e em 2023?",
    "Qual é a taxa de presença da turma 3A no turno da manhã?",
    "«Evasão» e “abandono” são a mesma coisa?",
    "Índice de Desenvolvimento Educacional (INDE) médio, por pedra: Quartzo, Ágata, Ametista, Topázio.",
    "quem sumiu da plataforma depois de agosto?",
    "Pôr, por; pôde, pode; têm, tem; é, e.",
    "Coração, informação, educação, avaliação, situação.",
    # Column and table names.
    "nota_matematica",
    "avaliacoes_anuais.nota_portugues",
    "data_nascimento",
    "scores_risco.probabilidade",
    "cubo_engajamento",
    "SELECT a.nome, count(*) FROM alunos a JOIN matriculas m ON m.aluno_id = a.id WHERE m.situacao = 'evadida' GROUP BY 1;",
    "frequencia_mensal(aluno_id, mes, aulas_previstas, presencas)",
    # English.
    "The weather is lovely today.",
    "It's so sunny outside!",
    "He drove to the stadium.",
    "Why is the sky blue?",
    "Why is the grass green?",
    "naïve café résumé",
    "U.S.A. e-mail: foo@bar.com",
    # Empty and whitespace.
    "",
    "   ",
    "\t\n\r",
    "palavra\u00a0com\u3000espaços\u2003estranhos",
    "linha um\nlinha dois\ttabulação",
    # Emoji, symbols, other scripts.
    "emoji 😀 €5 $3+4",
    "Turma 5B 🎓📚 nota 10 ⭐️⭐️",
    "👩‍🏫 professora",
    "野口里佳 Noguchi",
    "한국어 텍스트와 日本語のテキスト",
    "ΣΊΣΥΦΟΣ Σίσυφος",
    "İstanbul ıı",
    "ﬁm ½ x² Æsir",
    "Привет, мир",
    "مرحبا بالعالم",
    # Numbers and dates.
    "3.14 e 2,71 e 1.234.567,89",
    "2024-11-29 14:05:09",
    "29/11/2024 às 14h05",
    "RA 20220042, turma 5B, fase 5",
    "R$ 1.500,00 por mês",
    "10% de 250 = 25",
    # Control and invisible characters.
    "Hello\u200bworld",
    "zero\u200dwidth\ufeffjoiner\u00adsoft",
    "bell\u0007 and null\u0000 and del\u007f",
    "e\u0301 combinado vs é pronto",
    "\ue000 uso privado",
    "\ufffd substituição",
    # Word-length limits and truncation.
    "a" * 100,
    "a" * 101,
    " ".join(["palavra"] * 300),
    " ".join(["Quantos alunos da rede municipal evadiram entre 2022 e 2024, por escola e turno?"] * 30),
]


def load_model():
    from sentence_transformers import SentenceTransformer
    import torch

    torch.set_num_threads(THREADS)
    started = time.perf_counter()
    model = SentenceTransformer(str(MODEL), device="cpu")
    return model, time.perf_counter() - started


def fixture():
    import sentence_transformers

    model, _ = load_model()
    assert model.max_seq_length == 256, model.max_seq_length
    records = []
    embeddings = model.encode(TEXTS, batch_size=8, convert_to_numpy=True)
    for text, vector in zip(TEXTS, embeddings):
        tokens = model.tokenize([text])["input_ids"][0].tolist()
        records.append({"text": text, "tokens": tokens, "embedding": [float(f"{x:.8g}") for x in vector]})
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    # One record per line: small, and a change shows as a line in a diff.
    header = json.dumps({
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "sentence_transformers": sentence_transformers.__version__,
        "written_by": "bench/encoder_reference.py fixture",
    }, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    FIXTURE.write_text(f'{header}, "texts": [\n{body}\n]}}\n', encoding="utf-8")
    print(f"{len(records)} textos gravados em {FIXTURE.relative_to(ROOT)}", file=sys.stderr)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def time_calls(call, warmup, seconds, minimum):
    for _ in range(warmup):
        call()
    samples = []
    deadline = time.perf_counter() + seconds
    while len(samples) < minimum or time.perf_counter() < deadline:
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def bench_side(encode_one, encode_batch, question, batch, load_seconds, seconds):
    single = time_calls(lambda: encode_one(question), warmup=10, seconds=seconds, minimum=50)
    rounds = time_calls(lambda: encode_batch(batch), warmup=2, seconds=seconds, minimum=5)
    return {
        "load_ms": load_seconds * 1000,
        "single_p50_ms": percentile(single, 0.5) * 1000,
        "single_p95_ms": percentile(single, 0.95) * 1000,
        "single_runs": len(single),
        "batch_texts_per_s": len(batch) / statistics.median(rounds),
        "batch_runs": len(rounds),
    }


def onnx_session():
    """Exports the same weights to ONNX once (cached beside the venv) and opens them with 2 threads."""
    import numpy as np
    import onnxruntime
    from tokenizers import Tokenizer

    # The Rust tokenizer transformers' fast BERT tokenizer wraps, on the same tokenizer.json, without
    # importing transformers (which imports torch): the onnxruntime side's memory is then its own.
    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text, as padding=True

    def tensors(texts):
        encodings = tokenizer.encode_batch(texts)
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }

    path = ROOT / ".venv-reference" / "all-MiniLM-L6-v2.onnx"
    if not path.exists():
        import torch
        from transformers import AutoModel

        bert = AutoModel.from_pretrained(str(MODEL)).eval()
        bert.requires_grad_(False)

        class Encoder(torch.nn.Module):
            """Keyword arguments only: BertModel.forward's positional order changes between releases."""

            def forward(self, input_ids, attention_mask, token_type_ids):
                return bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

        dummy = {name: torch.from_numpy(value) for name, value in tensors(["uma frase de exemplo"]).items()}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder().eval(), (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), str(path),
                input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
                dynamic_axes={name: {0: "batch", 1: "sequence"} for name in ["input_ids", "attention_mask", "token_type_ids"]}
                | {"last_hidden_state": {0: "batch", 1: "sequence"}},
                opset_version=17, dynamo=False,
            )
    started = time.perf_counter()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    load = time.perf_counter() - started

    def encode(texts):
        batch = tensors(texts)
        hidden = session.run(None, batch)[0]
        mask = batch["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    return encode, load


def bench(seconds, sides=("pytorch", "onnxruntime")):
    texts = json.loads((ROOT / "bench" / "encoder-texts.json").read_text(encoding="utf-8"))
    question, batch = texts["question"], texts["batch"]
    result = {"threads": THREADS}
    if "pytorch" in sides:
        model, load = load_model()
        result["pytorch"] = bench_side(lambda t: model.encode(t), lambda b: model.encode(b, batch_size=len(b)), question, batch, load, seconds)
    if "onnxruntime" in sides:
        try:
            encode, load = onnx_session()
            result["onnxruntime"] = bench_side(lambda t: encode([t]), encode, question, batch, load, seconds)
        except Exception as error:  # onnxruntime is the optional, stronger reference
            print(f"onnxruntime indisponível: {str(error).splitlines()[0][:200]}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "fixture":
        fixture()
    elif command == "bench" and (len(sys.argv) < 4 or sys.argv[3] in ("pytorch", "onnxruntime")):
        bench(float(sys.argv[2]) if len(sys.argv) > 2 else 3.0, sys.argv[3:] or ("pytorch", "onnxruntime"))
    else:
        sys.exit("uso: encoder_reference.py fixture | bench [segundos [pytorch|onnxruntime]]")
