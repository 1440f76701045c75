#!/usr/bin/env python3
"""Makes the demo's call recordings from the demo transcripts, so the speech sits where the
turn times say: each spoken turn is synthesised with espeak-ng (one voice for the agent,
another for the candidate), placed at its `startedAtSec` (or, in the AssemblyAI-shaped
transcript, its `start` in milliseconds, speaker A the agent and B the candidate) on a silent
track, and encoded as a small mono mp3 with lame. System and tool turns are not spoken.

Needs Debian's espeak-ng and lame. Run from anywhere: python3 assets/demo/recordings/generate.py
[FILE.mp3 ...] (only those files; all without arguments)
It rewrites the .mp3 files beside it and prints where each turn's speech ends, so a turn too
long for the gap before the next one is seen (it fails then).
"""

import array
import json
import pathlib
import subprocess
import sys
import tempfile
import wave

HERE = pathlib.Path(__file__).resolve().parent
INTERVIEWS = HERE.parent / "interviews.json"
RATE = 22050  # espeak-ng writes 22,050 Hz mono 16-bit
VOICES = {"AGENT": ["-v", "en-us", "-s", "175"], "CANDIDATE": ["-v", "en+f3", "-s", "180"]}
# Interview ID → the recording's file name (the demo's recordingUrl points at it).
RECORDINGS = {
    "3f6c2a1e-8b4d-4c2a-9e71-5d0b7a2f9c10": "5b9d2e60.mp3",
    "b118515f-03e2-49b3-a32f-c4b54aab9900": "b118515f.mp3",
    "d41c7e2a-5b3f-4e8a-9c1d-2f6a8b0e4c71": "d41c7e2a.mp3",
}
# AssemblyAI's letter speakers, as the demo's transcript uses them.
LETTERS = {"A": "AGENT", "B": "CANDIDATE"}


def role_of(turn: dict) -> str | None:
    return turn.get("role") or LETTERS.get(turn.get("speaker"))


def start_of(turn: dict) -> float:
    return turn["startedAtSec"] if "startedAtSec" in turn else turn["start"] / 1000.0


def speak(role: str, text: str, folder: pathlib.Path) -> array.array:
    out = folder / "turn.wav"
    subprocess.run(["espeak-ng", *VOICES[role], "-w", str(out), text], check=True)
    with wave.open(str(out)) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        samples = array.array("h")
        samples.frombytes(w.readframes(w.getnframes()))
    return samples


def main() -> int:
    interviews = {i["id"]: i for i in json.loads(INTERVIEWS.read_text(encoding="utf-8"))}
    wanted = set(sys.argv[1:])
    for interview_id, name in RECORDINGS.items():
        if wanted and name not in wanted:
            continue
        interview = interviews[interview_id]
        turns = [t for t in interview["transcript"] if role_of(t) in VOICES and t.get("text")]
        duration = max(a.get("duration") or 0 for a in interview.get("callAttempts", [])) or None
        with tempfile.TemporaryDirectory() as tmp:
            folder = pathlib.Path(tmp)
            spoken = [(t, speak(role_of(t), t["text"], folder)) for t in turns]
            end = max(start_of(t) * RATE + len(s) for t, s in spoken) / RATE + 1.0
            total = max(end, duration or 0)
            track = array.array("h", bytes(2 * int(total * RATE)))
            for index, (turn, samples) in enumerate(spoken):
                start = int(start_of(turn) * RATE)
                stop = start + len(samples)
                following = start_of(spoken[index + 1][0]) if index + 1 < len(spoken) else total
                print(f"{name}: {start_of(turn):8.2f} s → {stop / RATE:8.2f} s (next turn {following:.2f} s)")
                if stop / RATE > following:
                    print(f"{name}: the turn at {start_of(turn)} s runs into the next one", file=sys.stderr)
                    return 1
                track[start:stop] = samples
            wav = folder / "call.wav"
            with wave.open(str(wav), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(RATE)
                w.writeframes(track.tobytes())
            # 8 kbit/s at 8 kHz (MPEG-2.5): 1 kB a second, so the 18-minute call stays near
            # 1 MB; speech is still clear enough to check what was said.
            subprocess.run(["lame", "--quiet", "-b", "8", "--resample", "8", "-m", "m", str(wav), str(HERE / name)], check=True)
        print(f"{name}: {total:.1f} s, {(HERE / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
