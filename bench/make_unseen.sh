#!/bin/sh
# make_unseen: the "unseen voices" set for asr_eval --synth. Festival's
# voices (kal_diphone, ked_diphone, cmu_us_slt_arctic_hts) are held out of
# the keyword head's training entirely (training/make_dataset.py) and were
# never used to tune PocketSphinx, so neither detector has heard them.
#
#   bench/make_unseen.sh DIR      then   build/bench/asr_eval --synth DIR
#
# Writes DIR/VOICE-STRETCH_WORD.wav, 16 kHz mono: the four commands and
# twenty look-alikes (which asr_eval counts as distractors), each at three
# speaking rates (festival's Duration_Stretch 0.85, 1.0, 1.2).
# Needs festival, festvox-kallpc16k, festvox-kdlpc16k, festvox-us-slt-hts
# and sox (packaging/install-deps.sh train).
set -eu
out=${1:?usage: make_unseen.sh DIR}
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
words="stop next pain repeat top shop step stock spot neck text nest pen plain rain paint
       repeal report repair necks stone nick spine stack"
for v in kal_diphone ked_diphone cmu_us_slt_arctic_hts; do
    for s in 0.85 1.0 1.2; do
        for w in $words; do
            echo "$w" | text2wave -eval "(voice_$v)" \
                -eval "(Parameter.set 'Duration_Stretch $s)" -o "$tmp"
            sox -q "$tmp" -t wav -r 16000 -c 1 -b 16 "$out/$v-${s}_$w.wav"
        done
    done
done
echo "make_unseen: $(ls "$out" | wc -l) clips in $out"
