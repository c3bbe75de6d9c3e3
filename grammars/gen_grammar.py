#!/usr/bin/env python3
"""Regenerate commands.dict and commands.gram for floorcoach's recogniser.

Run from anywhere:
    python3 grammars/gen_grammar.py [--out DIR] [--w-competitor W]
    python3 grammars/gen_grammar.py --rebuild [--top-k K] [--lm FILE]
                                    [--unigrams FILE] [--cmudict FILE]

Without --rebuild the grammar and dictionary are written from
competitors.txt.  With --rebuild competitors.txt itself is rebuilt from
  - the unigram log10 probabilities of the general English LM
    (en-us.lm.bin, read through libsphinxbase with ctypes; or a text file of
    "log10prob word" lines given with --unigrams), and
  - the CMU dictionary,
as two sets: every common word one phone edit away from a command
pronunciation ("near"), and the K most frequent English words ("frequent").
Neither set is chosen by looking at any test recording: the rejection of
"not a command" must work for words nobody thought of.

Why generated: the lists are derived mechanically, so they must not be
edited by hand, and the JSGF weights below are the knobs that set how easily
a stretch of audio is explained as "not a command".
"""
import argparse
import ctypes
import decimal
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = '/usr/share/pocketsphinx/model/en-us'

# Command pronunciations: the CMU ones plus reduced or accented variants
# ("r'peat", a rounded "stawp").  Variants that would make a common word a
# homophone ("P EH N" = pen, "N EH K" = neck) are left out on purpose: each
# variant buys recall at the price of rejection.
COMMANDS = {
    'next':   ['N EH K S T', 'N EH K S'],
    'repeat': ['R IH P IY T', 'R IY P IY T', 'R AH P IY T'],
    'pain':   ['P EY N'],
    'stop':   ['S T AA P', 'S T AO P'],
}

# JSGF weights.  Each competitor alternative gets W_COMPETITOR against 1 for
# a command: pocketsphinx adds the weight's log to the path score, so a
# competitor wins only when its acoustic score is better than the command's
# by more than -log(W).  Tuned on dev and on synthetic voices: see README.md.
W_COMMAND = {'next': 1.0, 'repeat': 1.0, 'pain': 1.0, 'stop': 1.0}
W_COMPETITOR = {'near': 1e-15, 'frequent': 1e-15}
TOP_K = 1000
NEAR_MIN_LOGPROB = -5.5


def weight(w):
    # sphinxbase's JSGF lexer takes plain decimals only, not 1e-05.
    return format(decimal.Decimal(repr(w)), 'f')


def editdist(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            cur = d[j]
            d[j] = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev = cur
    return d[len(b)]


def lm_unigrams(path):
    """{word: log10 P} of the LM's unigrams, through libsphinxbase."""
    sb = ctypes.CDLL('libsphinxbase.so.3')
    vp, i32 = ctypes.c_void_p, ctypes.c_int32
    sb.logmath_init.restype = vp
    sb.logmath_init.argtypes = [ctypes.c_double, ctypes.c_int, ctypes.c_int]
    sb.logmath_log_to_log10.restype = ctypes.c_double
    sb.logmath_log_to_log10.argtypes = [vp, i32]
    sb.ngram_model_read.restype = vp
    sb.ngram_model_read.argtypes = [vp, ctypes.c_char_p, ctypes.c_int, vp]
    sb.ngram_model_get_counts.restype = ctypes.POINTER(ctypes.c_uint32)
    sb.ngram_model_get_counts.argtypes = [vp]
    sb.ngram_word.restype = ctypes.c_char_p
    sb.ngram_word.argtypes = [vp, i32]
    sb.ngram_ng_score.restype = i32
    sb.ngram_ng_score.argtypes = [vp, i32, vp, i32, ctypes.POINTER(i32)]
    sb.ngram_model_free.argtypes = [vp]
    sb.logmath_free.argtypes = [vp]
    lmath = sb.logmath_init(1.0001, 0, 0)
    # No config: language weight 1 and no insertion penalty, raw scores.
    model = sb.ngram_model_read(None, path.encode(), 0, lmath)  # NGRAM_AUTO
    if not model:
        sys.exit('cannot read %s' % path)
    used = i32()
    freq = {}
    for wid in range(sb.ngram_model_get_counts(model)[0]):
        s = sb.ngram_ng_score(model, wid, None, 0, ctypes.byref(used))
        freq[sb.ngram_word(model, wid).decode()] = \
            sb.logmath_log_to_log10(lmath, s)
    sb.ngram_model_free(model)
    sb.logmath_free(lmath)
    return freq


def rebuild(args, prons, comp_file):
    if args.unigrams:
        freq = {}
        for line in open(args.unigrams, encoding='utf-8'):
            p = line.split()
            if len(p) >= 2:
                freq[p[1]] = float(p[0])
    else:
        freq = lm_unigrams(args.lm)
    cmd_prons = {tuple(s.split()) for v in COMMANDS.values() for s in v}

    inflected = re.compile(r"^(non|un)?(%s)(s|es|d|ed|ped|ing|ping|er|ers|per|pers"
                           r"|ful|fully|less|edly|pable|'s)?$" % '|'.join(COMMANDS))

    def usable(w):
        """Plain words that are neither a homophone of a command ("pane") nor
        a form of one ("stops", "stopped", "painful", "repeated"): saying
        those may or may not fire the command, so they are no competitors."""
        if not re.match(r"^[a-z][a-z']*$", w) or w not in prons or inflected.match(w):
            return False
        return not any(p in cmd_prons for p in prons[w])

    # near: one phone edit from a command, and common (a rare name one
    # phone from "stop", "staab", took real "stop"s whose last consonant
    # was weak).  One spelling per sound: the commonest.
    best = {}
    for w in prons:
        if not usable(w) or freq.get(w, -99.0) < args.near_min_logprob:
            continue
        for p in prons[w]:
            if any(editdist(p, q) <= 1 for q in cmd_prons):
                if p not in best or freq[w] > freq[best[p]]:
                    best[p] = w
    near = sorted(set(best.values()))
    # frequent: the K most frequent words of the LM with all their
    # pronunciations.
    ranked = sorted((w for w in freq if usable(w)), key=lambda w: (-freq[w], w))
    frequent = [w for w in ranked if w not in near][:args.top_k]
    with open(comp_file, 'w') as f:
        f.write('# Generated by gen_grammar.py --rebuild: do not edit by hand.\n'
                '# class word pronunciation.  near: one phone edit from a command,\n'
                '# unigram log10 P >= %g; frequent: the %d most frequent other words\n'
                '# of %s.\n' % (args.near_min_logprob, args.top_k,
                                os.path.basename(args.unigrams or args.lm)))
        for cls, words in (('near', near), ('frequent', frequent)):
            for w in words:
                for p in prons[w]:
                    f.write('%s %s %s\n' % (cls, w, ' '.join(p)))
    print('%d near + %d frequent competitors' % (len(near), len(frequent)),
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=HERE)
    ap.add_argument('--competitors', default=os.path.join(HERE, 'competitors.txt'))
    ap.add_argument('--w-near', type=float, default=W_COMPETITOR['near'])
    ap.add_argument('--w-frequent', type=float, default=W_COMPETITOR['frequent'])
    ap.add_argument('--rebuild', action='store_true',
                    help='rebuild the competitors file from the LM and dictionary')
    ap.add_argument('--top-k', type=int, default=TOP_K)
    ap.add_argument('--near-min-logprob', type=float, default=NEAR_MIN_LOGPROB)
    ap.add_argument('--lm', default=os.path.join(MODEL, 'en-us.lm.bin'))
    ap.add_argument('--unigrams', help='"log10prob word" lines instead of --lm')
    ap.add_argument('--cmudict', default=os.path.join(MODEL, 'cmudict-en-us.dict'))
    args = ap.parse_args()
    prons = {}
    for line in open(args.cmudict, encoding='utf-8'):
        p = line.split()
        if not p:
            continue
        if '#' in p:
            p = p[:p.index('#')]
        w = re.sub(r'\(\d+\)$', '', p[0])
        prons.setdefault(w, []).append(tuple(p[1:]))

    if args.rebuild:
        rebuild(args, prons, args.competitors)
    w_class = {'near': args.w_near, 'frequent': args.w_frequent}
    competitors, w_comp = {}, {}
    for line in open(args.competitors, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        p = line.split()
        competitors.setdefault(p[1], []).append(tuple(p[2:]))
        w_comp[p[1]] = w_class[p[0]]

    # PocketSphinx dictionaries have no comments: a '#' line would be read
    # as a word with unknown phones. The README says the file is generated.
    with open(os.path.join(args.out, 'commands.dict'), 'w') as f:
        for c, v in COMMANDS.items():
            for i, p in enumerate(v):
                f.write('%s %s\n' % (c if i == 0 else '%s(%d)' % (c, i + 1), p))
        for w in sorted(competitors):
            for i, p in enumerate(competitors[w]):
                f.write('%s %s\n' % (w if i == 0 else '%s(%d)' % (w, i + 1),
                                     ' '.join(p)))

    alts = ['/%s/ %s' % (weight(W_COMMAND[c]), c) for c in COMMANDS]
    alts += ['/%s/ %s' % (weight(w_comp[w]), w) for w in sorted(competitors)]
    with open(os.path.join(args.out, 'commands.gram'), 'w') as f:
        f.write('#JSGF V1.0;\n')
        f.write('// Generated by gen_grammar.py: do not edit by hand.\n')
        f.write('grammar commands;\n')
        f.write('public <utt> = <item>;\n')
        f.write('<item> =\n    ' + '\n  | '.join(alts) + ';\n')
    print('%d competitors, weights near %g, frequent %g'
          % (len(competitors), args.w_near, args.w_frequent), file=sys.stderr)


if __name__ == '__main__':
    main()
