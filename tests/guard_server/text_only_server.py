"""A small OpenAI-compatible completions server without log-probabilities, for the tests.

It answers `POST /v1/completions` as `transformers serve` does (the prompt tokenized with the
tokenizer's special tokens, greedy `generate()`, text decoded without special tokens,
`logprobs: null`); `transformers serve` itself needs the `openai` package, which Steward does
not install. Paths under `/broken/v1/` answer with a body that is not JSON, under
`/babble/v1/` with a text that is no guard's answer, under `/failing/v1/` with HTTP 500.
Standard library HTTP plus transformers; run as `python -m tests.guard_server.text_only_server`.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32).eval()
    lock = threading.Lock()  # one generate() at a time, as a single-model server does

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path in {"/health", "/v1/models"}:
                self._send(200, json.dumps({"object": "list", "data": []}).encode())
            else:
                self._send(404, b'{"error": "not found"}')

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            if self.path.startswith("/broken/"):
                return self._send(200, b"<html>502 upstream</html>", "text/html")
            if self.path.startswith("/failing/"):
                return self._send(500, b'{"error": "model crashed"}')
            if not self.path.endswith("/v1/completions"):
                return self._send(404, b'{"error": "not found"}')
            inputs = tokenizer(request["prompt"], return_tensors="pt")
            with lock, torch.inference_mode():
                output = model.generate(
                    **inputs,
                    max_new_tokens=int(request.get("max_tokens") or 16),
                    do_sample=False,
                )
            generated = output[0, inputs["input_ids"].shape[1] :]
            text = tokenizer.decode(generated, skip_special_tokens=True)
            if self.path.startswith("/babble/"):
                text = "\n\nI think this conversation is fine"
            body = {
                "id": f"cmpl-{time.time_ns()}",
                "object": "text_completion",
                "created": int(time.time()),
                "model": request.get("model", ""),
                "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": "stop"}],
                "usage": {
                    "prompt_tokens": int(inputs["input_ids"].shape[1]),
                    "completion_tokens": int(generated.shape[0]),
                    "total_tokens": int(output.shape[1]),
                },
            }
            self._send(200, json.dumps(body).encode())

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
