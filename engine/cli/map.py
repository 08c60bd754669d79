"""Write a commented mapping file for a CRM export, proposed from the export itself.

`playbook map init EXPORT.csv` reads the export's header and a sample of its rows, detects its
encoding (UTF-8, UTF-8 with BOM, Windows-1251, ...), delimiter, date formats and number format,
proposes which column holds which client field (the Russian and English labels of Bitrix24 and
amoCRM exports: ID, Компания, Ответственный, Бюджет, Стадия/Этап, Дата создания, ...), KPIs
built from columns, and for each field with a fixed set of values the distinct values of its
column with the value each likely is, beside the values the field allows. The YAML it writes
validates against `playbook schema mapping` as it is: the export runs with it at once, and rows
whose values still need mapping fail one by one with the column, the value and the allowed
values. Check the lines it marks, fill in the rest, and run `playbook run EXPORT --map FILE`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_kb, add_lang, lang_of, load_kb, write_file
from engine.errors import UserMistake

NAME = "map"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("init",), help="init: propose a mapping file")
    parser.add_argument("export", type=Path, metavar="EXPORT",
                        help="the CRM export (.csv), as the CRM or Excel saved it")
    parser.add_argument("--output", "-o", type=Path, metavar="MAP.yaml",
                        help="write the mapping here (default: standard output); an existing "
                             "file is never overwritten")
    add_kb(parser)
    add_lang(parser)


def run(args: argparse.Namespace) -> int:
    from engine.portfolio.skeleton import skeleton_of
    from engine.render.skeleton import skeleton_yaml

    if args.export.suffix.lower() != ".csv":
        raise UserMistake(f"{args.export}: map init reads CSV exports (.csv); save the export "
                          "as CSV (UTF-8 or the CRM's own encoding)")
    if not args.export.is_file():
        raise UserMistake(f"{args.export}: no such file")
    if args.output is not None and args.output.exists():
        raise UserMistake(f"{args.output} exists: map init never overwrites a mapping "
                          "(choose another name, or remove it first)")
    kb = load_kb(args)
    out = args.output or "MAP.yaml"
    command = f"playbook run {args.export} --map {out} --as-of YYYY-MM-DD"
    schema = "mapping.schema.json"
    text = skeleton_yaml(skeleton_of(args.export, kb), lang_of(args), schema=schema,
                         command=command)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_file(args.output, text)
        sys.stderr.write(f"wrote {args.output}\n")
    return 0
