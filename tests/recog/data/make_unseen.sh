#!/bin/sh
# The held-out voices of test_hearing, made when the tests run (CTest
# fixture make_unseen): festival's kal_diphone, ked_diphone and
# cmu_us_slt_arctic_hts saying each command, as 16 kHz mono WAVs in DIR.
# The keyword head never trains on festival (training/make_dataset.py), so
# these are voices no part of the recogniser has heard. Needs festival,
# festvox-kallpc16k, festvox-kdlpc16k and festvox-us-slt-hts
# (packaging/install-deps.sh installs them).
#   make_unseen.sh DIR
set -eu
out=${1:?usage: make_unseen.sh DIR}
mkdir -p "$out"
for v in kal_diphone ked_diphone cmu_us_slt_arctic_hts; do
    for w in stop next pain repeat; do
        echo "$w" | text2wave -eval "(voice_$v)" -F 16000 -otype riff -o "$out/${v}_$w.wav"
    done
done
