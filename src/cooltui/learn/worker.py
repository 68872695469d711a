"""The model's own processes, started by the app (cooltui.learn.loop), at a lower priority:

    python -m cooltui.learn.worker serve MODEL_FOLDER
    python -m cooltui.learn.worker train [cooltui train's options]

`serve` loads the model and answers requests, one JSON line each way: {"id", "text"} in,
{"id", "stamp", "spans", "cats"} out (cooltui.learn.scored.Prediction), or {"id", "error"}.
Before each answer it checks the model's training.json and loads the model again when a
training replaced it; "stamp" says which model answered. It ends when its input closes.

`train` is `cooltui train`. Both keep spaCy and its work out of the app's process: a key never
waits for them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

import orjson

from cooltui.errors import CoolError
from cooltui.learn.layout import model_stamp

if TYPE_CHECKING:
    from spacy.language import Language

NICENESS = 10
"""How much lower than the app the model's processes run: a key's work comes first."""


def serve(folder: Path, requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer each request line with the model's prediction (see the module's doc)."""
    from cooltui.learn.predict import load_model, predict

    nlp: Language | None = None
    loaded: int | None = None
    for line in requests:
        answer: dict[str, object]
        try:
            request = orjson.loads(line)
            article_id, text = str(request["id"]), str(request["text"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            continue  # never from the app: nothing to answer
        stamp = model_stamp(folder)
        try:
            if nlp is None or stamp != loaded:
                nlp, loaded = load_model(folder), stamp
            prediction = next(predict(nlp, [text]))
            answer = {"id": article_id, "stamp": loaded, **prediction.to_json()}
        except CoolError as error:
            answer = {"id": article_id, "error": str(error)}
        except Exception as error:  # one text's failure must not end the worker
            failed = f"the model failed on {article_id}: {type(error).__name__}: {error}"
            answer = {"id": article_id, "error": failed}
        answers.write(orjson.dumps(answer, option=orjson.OPT_APPEND_NEWLINE))
        answers.flush()


def lower_priority() -> None:
    """Run below the app. The app starts this process in a session of its own (a ^C in the
    app's terminal is not for it), and Linux schedules each session's autogroup as one: a nice
    value alone then only ranks this process against itself, so the autogroup's is set too."""
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    if os.getsid(0) != os.getpid():
        return  # run by hand: the autogroup is the terminal's session, not ours to renice
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(f"{NICENESS}\n", encoding="ascii")


def main(argv: list[str]) -> int:
    lower_priority()
    if argv[:1] == ["serve"] and len(argv) == 2:
        with contextlib.suppress(BrokenPipeError, KeyboardInterrupt):
            serve(Path(argv[1]), sys.stdin.buffer, sys.stdout.buffer)
        return 0
    if argv[:1] == ["train"]:
        from cooltui.cli import main as cooltui

        return cooltui(["train", *argv[1:]])
    print("usage: python -m cooltui.learn.worker serve FOLDER | train [OPTIONS]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
