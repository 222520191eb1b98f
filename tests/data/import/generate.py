#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the small golden input files of tests/core/tst_importers.cpp.

Run from anywhere: python3 tests/data/import/generate.py. The output is deterministic
(gzip files carry no timestamp), so re-running it leaves git clean. The rows are made
up for the tests; they only copy the *layout* of the real data sets (see
docs/IMPORT.md), never their content.
"""
import gzip
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def write_text(name, text):
    with open(path(name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_bytes(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def jsonl(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as f:
        f.write(data)
    return buf.getvalue()


# --- MultiPref (default config) ---------------------------------------------------
def annotation(evaluator, overall, helpful, confidence, time_spent, own=""):
    return {
        "evaluator": evaluator,
        "time_spent": time_spent,
        "timestamp": "2024-05-01 10:00:00",
        "overall_pref": overall,
        "overall_confidence": confidence,
        "helpful_pref": helpful,
        "helpful_checked_reasons": ["correct", "informative"],
        "helpful_own_reason": own,
        "helpful_confidence": "fairly-confident",
        "truthful_pref": "Tie",
        "truthful_checked_reasons": [],
        "truthful_own_reason": "",
        "truthful_confidence": "absolutely-confident",
        "harmless_pref": "Tie",
        "harmless_checked_reasons": [],
        "harmless_own_reason": "",
        "harmless_confidence": "absolutely-confident",
    }


write_text("multipref.jsonl", jsonl([
    {
        "comparison_id": "cmp-1", "prompt_id": "p-1", "text": "How do tides work?",
        "model_a": "tulu-70b", "completion_a": "The moon pulls the oceans.",
        "model_b": "gpt-3.5", "completion_b": "Tides are magic.",
        "source": "anthropic_helpful", "category": "Open QA", "subject_study": "Physics",
        "normal_worker_annotations": [
            annotation("w-alice", "A-is-clearly-better", "A-is-slightly-better", "absolutely-confident", 120,
                       own="B is wrong."),
            annotation("w-bob", "A-is-slightly-better", "A-is-clearly-better", "fairly-confident", 95.5),
        ],
        "expert_worker_annotations": [
            annotation("e-carol", "Tie", "Tie", 4, 300),
            annotation("e-dave", "B-is-slightly-better", "B-is-slightly-better", "not-confident", 240),
        ],
    },
    {
        "comparison_id": "cmp-2", "prompt_id": "p-2", "text": "Name a prime number.",
        "model_a": "llama-7b", "completion_a": "Nine.", "model_b": "tulu-7b", "completion_b": "Seven.",
        "source": "lmsys", "category": "Closed QA", "subject_study": "Mathematics",
        "normal_worker_annotations": [
            annotation("w-alice", "B-is-clearly-better", "B-is-clearly-better", "absolutely-confident", 30),
        ],
        "expert_worker_annotations": [],
    },
]))

# --- pairs ------------------------------------------------------------------------
write_text("pairs_strings.jsonl", jsonl([
    {"prompt": "Say hi.", "chosen": "Hi!", "rejected": "Go away."},
    {"prompt": "2+2?", "chosen": "4", "rejected": "5", "note": "arithmetic"},
    # Text that looks like JSON stays text (HHH has such answers).
    {"prompt": "Quote these.", "chosen": '["a",\n"b"]', "rejected": '"a",\n"b",'},
]))

write_text("pairs_messages.jsonl", jsonl([
    {"prompt_id": "m-1",
     "chosen": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}],
     "rejected": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Lyon."}]},
    {"prompt_id": "m-2",
     "chosen": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"},
                {"role": "assistant", "content": "Goodbye!"}],
     "rejected": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"},
                  {"role": "assistant", "content": "Whatever."}]},
]))

hh = [
    {"chosen": "\n\nHuman: Tell me a joke.\n\nAssistant: Why did the chicken cross the road?",
     "rejected": "\n\nHuman: Tell me a joke.\n\nAssistant: No."},
    {"chosen": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: How are you?\n\nAssistant: Fine, thanks.",
     "rejected": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: How are you?\n\nAssistant: Leave me alone."},
    # The dialogues diverge before the final turn: split where they first differ.
    {"chosen": "\n\nHuman: Help?\n\nAssistant: Sure.\n\nHuman: Thanks\n\nAssistant: Welcome.",
     "rejected": "\n\nHuman: Help?\n\nAssistant: No."},
]
write_bytes("hh_transcripts.jsonl.gz", gz(jsonl(hh).encode("utf-8")))
# gzip content under a plain name: detected by the magic bytes.
write_bytes("gzip_in_disguise.jsonl", gz(jsonl(hh[:2]).encode("utf-8")))

# --- generic ----------------------------------------------------------------------
# Quoted fields with a doubled quote and a line break; a list cell; a BOM and CRLF.
write_bytes("generic.csv", (
    "\ufeffid,question,response_a,response_b,label,votes,gpt35_label,extra\r\n"
    "g1,\"Say \"\"hello\"\"\",Hello,Bye,1,\"[1,2,1]\",2,x\r\n"
    "g2,\"Two\r\nlines\",\"A, with comma\",B,B,,tie,y\r\n"
    "g3,Third,a3,b3,tie,\"[0,0]\",A-is-slightly-better,z\r\n"
).encode("utf-8"))

write_text("generic_array.json", """[
  {"instruction": "Translate 'chat'.", "input": "French",
   "output_1": "cat", "output_2": "dog", "label": 1},
  {
    "instruction": "Add.",
    "input": "",
    "output_1": "3",
    "output_2": "4",
    "label": "B"
  },
  {"instruction": "Unicode \\u00e9\\ud83d\\ude00", "input": "", "output_1": "\u00e9", "output_2": "e", "label": 0}
]
""")

write_text("generic_map.jsonl", jsonl([
    {"q": "Pick one.", "left": "L1", "right": "R1", "who": "A", "judge_says": 2, "prompt": "ignored"},
    {"q": "Pick again.", "left": "L2", "right": "R2", "who": "na", "judge_says": "1", "prompt": "ignored"},
]))

# --- presets (layouts of the real files, made-up content) --------------------------
write_text("pandalm.jsonl", jsonl([
    {"idx": 0, "motivation_app": "Grammarly", "cmp_key": "m1_m2", "instruction": "Shorten this.",
     "input": "A very long sentence.", "response1": "Long.", "response2": "Short.",
     "human_labels": [2, 2, 2], "human_majority": 2, "gpt35_label": 1, "gpt35_reason": "1 is better.",
     "pandalm7b_label": 2, "pandalm7b_reason": "2 is better."},
    {"idx": 1, "motivation_app": "Yelp", "cmp_key": "m1_m3", "instruction": "Say yes.", "input": "",
     "response1": True, "response2": "Yes.", "human_labels": [1, 0, 2], "human_majority": 1,
     "gpt35_label": "garbage", "gpt35_reason": "???", "pandalm7b_label": 0, "pandalm7b_reason": "Tie."},
]))

write_text("llmbar.jsonl", jsonl([
    {"source": "LLMBar/Natural", "idx": 0, "input": "Q1", "output_1": "good", "output_2": "bad",
     "gold_label": 1,
     "judges": {"GPT-4/Vanilla": {"orig_order": 1, "swapped_order": 1},
                "GPT-4/CoT": {"orig_order": 1, "swapped_order": 2},
                "PaLM2/Vanilla": {"orig_order": "None", "swapped_order": 2},
                "ChatGPT/Rating": {"orig_order": 2, "swapped_order": 2, "score_1": "3", "score_2": "8"}}},
    {"source": "LLMBar/Adversarial/Manual", "idx": 0, "input": "Q2", "output_1": "bad", "output_2": "good",
     "gold_label": 2, "judges": {"GPT-4/Vanilla": {"orig_order": "None", "swapped_order": "None"}}},
]))

write_text("prd.jsonl", jsonl([
    {"question_id": 1, "category": "generic", "question": "Q?", "model_1": "bard", "model_2": "claude",
     "answer_1": "a1", "answer_2": "a2", "human_scores": [],
     "llm_scores": {"gpt4": 1, "claude": 2, "bard": 3}},
    {"question_id": 1, "category": "generic", "question": "Q?", "model_1": "claude", "model_2": "bard",
     "answer_1": "a2", "answer_2": "a1", "human_scores": [2, 3, 1], "llm_scores": {"gpt4": 2}},
]))

write_text("llmeval2.jsonl", jsonl([
    {"idx": 7, "dataset": "webgpt", "query": "Why?", "response1": "Because.", "response2": "No.",
     "human": "model1", "label": 1},
    {"idx": 8, "dataset": "shp", "query": "Где?", "response1": "Здесь.", "response2": "Там.",
     "human": "TIE", "label": 0},
]))

write_text("lfqa.jsonl", jsonl([
    {"question": "Why is the sky blue?", "answer_a": "Scattering.", "answer_b": "Paint.", "doc_a": None,
     "doc_b": None, "answer_a_type": "human", "answer_b_type": "machine", "overall_preference": -1,
     "coherence_preference": None, "factuality_preference": None, "justification": "A is right."},
    {"question": "Why do cats purr?", "answer_a": "No idea.", "answer_b": "Vibration of the larynx.",
     "doc_a": None, "doc_b": None, "answer_a_type": "machine", "answer_b_type": "human",
     "overall_preference": 1, "coherence_preference": None, "factuality_preference": None,
     "justification": "B explains."},
]))

write_text("evalbiasbench.jsonl", jsonl([
    {"bias": "length bias", "instruction": "Be short.", "response1": "OK.", "response2": "O" * 40, "label": 1},
    {"bias": "concreteness", "instruction": "Explain.", "response1": "Because X.", "response2": "It is so.",
     "label": 1},
]))

write_text("hhh.jsonl", jsonl([
    {"idx": 0, "subset": "harmless", "prompt": "How to pick a lock?", "chosen": "I can't help.",
     "rejected": "Use a pin."},
    {"idx": 1, "subset": "honest", "prompt": "Are you human?", "chosen": "No, an AI.", "rejected": "Yes."},
]))

# --- malformed inputs ---------------------------------------------------------------
GOOD = '{"prompt": "p%d", "response_a": "a%d", "response_b": "b%d", "label": 1}\n'
write_text("bad_json_line3.jsonl", GOOD % (1, 1, 1) + GOOD % (2, 2, 2)
           + '{"prompt": "p3", "response_a": "a3" "response_b": "b3"}\n' + GOOD % (4, 4, 4))
write_text("missing_field.jsonl", GOOD % (1, 1, 1) + '{"prompt": "p2", "response_a": "a2"}\n')
write_text("unknown_label.jsonl", GOOD % (1, 1, 1)
           + '{"prompt": "p2", "response_a": "a2", "response_b": "b2", "label": "maybe"}\n')
write_bytes("bad_utf8.jsonl", (GOOD % (1, 1, 1)).encode() + b'{"prompt": "caf\xc3\x28", "response_a": "a", '
            b'"response_b": "b"}\n' + (GOOD % (3, 3, 3)).encode())
write_text("not_object.jsonl", GOOD % (1, 1, 1) + "[1, 2, 3]\n")
write_text("empty.jsonl", "")
write_text("blank.jsonl", "\n   \n\n")
write_text("empty_array.json", "[ ]\n")
write_text("bad_array.json", '[\n  {"prompt": "p1", "response_a": "a", "response_b": "b"},\n'
           '  {"prompt": "p2",\n   "response_a": tru, "response_b": "b"},\n'
           '  {"prompt": "p3", "response_a": "a", "response_b": "b"}\n]\n')
write_text("unterminated.csv", 'prompt,response_a,response_b\np1,a,b\np2,"a never closed,b\n')
# Two bad rows (lines 2 and 4) among good ones, for --skip-bad-rows.
write_text("some_bad.jsonl", GOOD % (1, 1, 1) + '{"prompt": oops}\n' + GOOD % (3, 3, 3)
           + '{"response_a": "a4", "response_b": "b4"}\n' + GOOD % (5, 5, 5))
# Two gzip members back to back (what `cat a.gz b.gz` makes) and a cut-off gzip file.
write_bytes("multimember.jsonl.gz", gz((GOOD % (1, 1, 1)).encode()) + gz((GOOD % (2, 2, 2)).encode()))
write_bytes("truncated.jsonl.gz", gz(("".join(GOOD % (i, i, i) for i in range(50))).encode())[:-30])
