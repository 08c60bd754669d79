"""The same knowledge base as many_diagnostics: ``validate --format json`` lists every mistake
that the text output cuts short."""

import contextlib
import io
import json

from engine.cli import main

out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(["validate", "--kb", "kb", "--format", "json"])
document = json.loads(out.getvalue())
print(f"exit {code}: {document['errors']} errors, {len(document['diagnostics'])} listed")
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err := io.StringIO()):
    main(["validate", "--kb", "kb"])
print(f"as text: {err.getvalue().count('error[')} shown, then: {err.getvalue().splitlines()[-1]}")
