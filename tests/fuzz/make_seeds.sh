#!/bin/sh
# Regenerates the copied and generated seeds of corpus/TARGET/ (the project's
# own files, and a few tiny WAV files made with sox; the near-valid YAML and
# asr.conf seeds are written by hand and left alone). The seeds are
# committed, so this is only for changing them; make fuzz never runs it.
# WAV seeds carry no .wav suffix: the repository ignores *.wav.
# usage: make_seeds.sh (needs sox)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus=$here/corpus
# Seconds of audio in each WAV seed: a few frames, so each stays well under
# the 20 kB a seed may take and every input runs fast.
SECONDS_SHORT=0.03

copy() { # target file...
  t=$1; shift
  mkdir -p "$corpus/$t"
  for f in "$@"; do cp "$top/$f" "$corpus/$t/$(echo "$f" | tr / _)"; done
}

copy routine tests/routines/mini.yaml tests/routines/tiny.yaml tests/routines/position.yaml \
  tests/routines/longwait.yaml scripts/fai.yaml scripts/fai-stretches.yaml
copy voice voices/calm.yaml voices/british.yaml voices/default.yaml tests/voices/user.yaml
copy asr_conf grammars/asr.conf

# One sox call per seed: NAME then sox's output options.
wav() { # name sox-options...
  name=$1; shift
  sox -n -D "$@" "$corpus/wav/$name.tmp.wav" synth "$SECONDS_SHORT" sine 440 gain -6
  mv "$corpus/wav/$name.tmp.wav" "$corpus/wav/$name"
}
mkdir -p "$corpus/wav"
wav pcm16-mono-16k -r 16000 -c 1 -b 16 -e signed-integer
wav pcm16-stereo-44k1 -r 44100 -c 2 -b 16 -e signed-integer
wav pcm24-mono-22k05 -r 22050 -c 1 -b 24 -e signed-integer
wav float32-mono-48k -r 48000 -c 1 -b 32 -e floating-point
wav u8-mono-8k -r 8000 -c 1 -b 8 -e unsigned-integer
wav pcm16-4ch-11k025 -r 11025 -c 4 -b 16 -e signed-integer
wav pcm16-mono-4k -r 4000 -c 1 -b 16 -e signed-integer
wav pcm16-mono-7350 -r 7350 -c 1 -b 16 -e signed-integer
wav alaw-mono-8k -r 8000 -c 1 -e a-law
wav ima-adpcm-mono-8k -r 8000 -c 1 -e ima-adpcm
wav ms-adpcm-mono-16k -r 16000 -c 1 -e ms-adpcm
wav gsm-mono-8k -r 8000 -c 1 -e gsm-full-rate
# Near-valid: below the lowest rate taken, a header with no samples, a cut
# header.
wav pcm16-mono-3999 -r 3999 -c 1 -b 16 -e signed-integer
head -c 44 "$corpus/wav/pcm16-mono-16k" > "$corpus/wav/header-only"
head -c 30 "$corpus/wav/pcm16-mono-16k" > "$corpus/wav/header-cut"

# The microphone's seeds: the channel byte (0 mixes), then a WAV seed.
mkdir -p "$corpus/mic"
mic() { # name channel-byte-in-octal wav-seed
  # shellcheck disable=SC2059 # the format is the byte, as an octal escape
  { printf "\\$2"; cat "$corpus/wav/$3"; } > "$corpus/mic/$1"
}
mic mix-mono 0 pcm16-mono-16k
mic ch1-mono 1 pcm16-mono-16k
mic mix-stereo 0 pcm16-stereo-44k1
mic ch2-stereo 2 pcm16-stereo-44k1
mic ch3-stereo 3 pcm16-stereo-44k1
mic ch4-4ch 4 pcm16-4ch-11k025
mic mix-float 0 float32-mono-48k
mic mix-u8 0 u8-mono-8k
