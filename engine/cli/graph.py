"""Draw a journey map, left to right by phase, with a client's done / next / blocked steps.

Formats: mermaid (text; GitHub and GitLab render it in Markdown as is), dot (Graphviz text),
svg and png (drawn by Graphviz: needs the `dot` program and `pip install
'playbook-engine[graph]'`), json (the picture as data).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli.common import add_format, add_kb, date, load_kb, write_file
from engine.errors import ClientError, did_you_mean
from engine.kb.knowledge_base import KnowledgeBase
from engine.models import Client
from engine.render import graph as graph_text
from engine.render import json
from engine.runtime.clients import read_clients
from engine.tools import pictures
from engine.vocabulary import LANGUAGES

NAME = "graph"


class Refused(Exception):
    """The arguments cannot be drawn; the message says why."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project_type", metavar="PROJECT_TYPE",
                        help="the journey map to draw (marketplace, lead_gen, ...)")
    parser.add_argument("--client", type=Path, metavar="FILE",
                        help="a client file (one client): colour its done / next / blocked steps")
    add_kb(parser)
    parser.add_argument("--as-of", type=date, metavar="DATE",
                        help="the day to recommend for, YYYY-MM-DD (default: today)")
    add_format(parser, "mermaid", "dot", "svg", "png", "json")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                        help="write to FILE instead of standard output")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the step titles (default: en)")


def run(args: argparse.Namespace) -> int:
    kb = load_kb(args)
    if args.project_type not in kb.journeys:
        hint = did_you_mean(args.project_type, kb.journeys)
        return _fail(f"no journey map for project type '{args.project_type}'; known: "
                     f"{', '.join(sorted(kb.journeys))}" + (f"; {hint}" if hint else ""))
    try:
        client = _client(args, kb) if args.client else None
        pic = pictures.picture(kb, args.project_type, client, args.as_of, args.lang)
        data = _output(pic, args.format)
    except (Refused, graph_text.RenderUnavailable) as exc:
        return _fail(str(exc))
    return _write(data, args)


def _client(args: argparse.Namespace, kb: KnowledgeBase) -> Client:
    clients, problems = read_clients(args.client, kb)
    if problems:
        raise ClientError(problems)
    if len(clients) != 1:
        raise Refused(f"{args.client} holds {len(clients)} clients: give a file with exactly one")
    client = clients[0]
    if client.project_type is None:
        return client.model_copy(update={"project_type": args.project_type})
    if client.project_type != args.project_type:
        raise Refused(f"client '{client.id}' is a {client.project_type} project, "
                      f"not {args.project_type}")
    return client


def _fail(message: str) -> int:
    sys.stderr.write(f"playbook graph: {message}\n")
    return 1


def _output(pic: pictures.Picture, fmt: str) -> bytes:
    if fmt == "json":
        return json.document(json.picture(pic)).encode()
    if fmt == "mermaid":
        return graph_text.mermaid(pic).encode()
    dot = graph_text.dot(pic)
    return dot.encode() if fmt == "dot" else graph_text.draw(dot, fmt)


def _write(data: bytes, args: argparse.Namespace) -> int:
    if args.output is not None:
        write_file(args.output, data)
        return 0
    if args.format == "png" and sys.stdout.isatty():
        return _fail("a PNG is not for the terminal: give --output FILE")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0
