#!/bin/sh
# The held-out voices of test_hearing: festival's kal_diphone, ked_diphone
# and cmu_us_slt_arctic_hts saying each command, as 16 kHz mono WAVs. The
# keyword head never trains on festival (training/make_dataset.py), so
# these are voices no part of the recogniser has heard.
# Needs festival, festvox-kallpc16k, festvox-kdlpc16k, festvox-us-slt-hts
# and sox (packaging/install-deps.sh train).
set -eu
out=$(dirname "$0")/unseen
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for v in kal_diphone ked_diphone cmu_us_slt_arctic_hts; do
    for w in stop next pain repeat; do
        echo "$w" | text2wave -eval "(voice_$v)" -o "$tmp"
        sox -q "$tmp" -t wav -r 16000 -c 1 -b 16 "$out/${v}_$w.wav"
    done
done
