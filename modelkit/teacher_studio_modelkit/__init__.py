"""Teacher Studio modelkit: trains the built-in reasoner + teacher on the task suite and exports
them as an ONNX model package (manifest.json, plan/tto_step/sample/decode/vqa graphs, vocabulary).

Modules: data (gen-data loading, vocabulary), reasoner (cell-level rectified flow with LoRA slots),
teacher (space-time yes/no answerer), writer (query writer), rules (evaluator bridge),
train, export, tto (test-time optimization), evaluate, build (the whole pipeline)."""
