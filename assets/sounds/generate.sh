#!/usr/bin/env bash
# Generate Campfire-in-Go's own /play sound clips.
#
# Every clip is synthesised from scratch here: tones, chords and noise come
# from `sox synth`, short spoken phrases (our own wording) from espeak-ng.
# Nothing is sampled or copied from third-party recordings. The output
# (static/sounds/*.mp3) is dedicated to the public domain under CC0 1.0;
# see assets/sounds/README.md.
#
# Usage:
#   assets/sounds/generate.sh            regenerate every clip
#   assets/sounds/generate.sh NAME...    regenerate only the named clips
#   assets/sounds/generate.sh --check    only verify each name has a valid MP3
#                                        (0.3-2.5 s); exits non-zero otherwise
#   assets/sounds/generate.sh --list     print the sound names
#
# Requirements (Debian/Ubuntu):
#   apt-get install -y espeak-ng sox libsox-fmt-mp3 lame
#
# Output is repeatable: sox runs with -R (fixed seed for noise and dither),
# espeak-ng and lame are deterministic for a given package version.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT_DIR=${SOUNDS_OUT_DIR:-$REPO_ROOT/static/sounds}

# The /play names (keep in sync with the sound list in the app).
NAMES=(
  56k ballmer bell bezos bueller butts clowntown cottoneyejoe crickets curb
  dadgummit dangerzone danielsan deeper donotwant drama flawless glados gogogo
  greatjob greyjoy guarantee heygirl honk horn horror incoming inconceivable
  letitgo live loggins makeitso mario_coin maybe noooo nyan ohmy ohyeah pushit
  rimshot rollout rumble sax secret sexyback story tada tmyk totes trololo
  trombone unix vuvuzela what whoomp wups yay yeah yodel
)

MIN_SECONDS=0.3
MAX_SECONDS=2.5
# Clamp the PCM a little below the limit: MP3 encoder padding adds ~50 ms.
CLAMP_SECONDS=2.4
PAD_TO_SECONDS=0.35
# Loudness ceiling: clips whose RMS is above this are turned down so that
# dense synth clips (horns, sirens) are not much louder than speech.
MAX_RMS_DB=-14

SR=44100
# Intermediate files: 32-bit float so chained effects never clip.
FMT=(-r "$SR" -c 1 -b 32 -e floating-point)

die()  { echo "generate.sh: $*" >&2; exit 1; }
note() { echo "generate.sh: $*" >&2; }

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

have() { command -v "$1" >/dev/null 2>&1; }

require_tools() {
  local missing=() t
  for t in "$@"; do have "$t" || missing+=("$t"); done
  if ((${#missing[@]})); then
    {
      echo "generate.sh: missing required tool(s): ${missing[*]}"
      echo
      echo "Install them (Debian/Ubuntu) with:"
      echo "    sudo apt-get update"
      echo "    sudo apt-get install -y espeak-ng sox libsox-fmt-mp3 lame"
      echo
      echo "(espeak-ng: speech, sox/soxi: synthesis and effects, lame: MP3"
      echo " encoding, libsox-fmt-mp3: lets sox read MP3s for --check.)"
    } >&2
    exit 127
  fi
}

sox_reads_mp3() { sox -h 2>/dev/null | grep -qiw 'mp3'; }

# duration FILE -> seconds (float)
duration() { soxi -D "$1"; }

# in_range X LO HI -> true when LO <= X <= HI
in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

check_all() {
  require_tools sox soxi
  sox_reads_mp3 || die "sox cannot read MP3; install libsox-fmt-mp3"
  local n f d bad=0 total=0 sz
  for n in "${NAMES[@]}"; do
    f=$OUT_DIR/$n.mp3
    if [[ ! -s $f ]]; then
      echo "MISSING  $n.mp3"; bad=1; continue
    fi
    if ! d=$(soxi -D "$f" 2>/dev/null) || [[ -z $d ]]; then
      echo "INVALID  $n.mp3 (sox cannot read it)"; bad=1; continue
    fi
    sz=$(wc -c <"$f")
    total=$((total + sz))
    if in_range "$d" "$MIN_SECONDS" "$MAX_SECONDS"; then
      printf 'ok       %-18s %6.2fs %7d bytes\n' "$n.mp3" "$d" "$sz"
    else
      printf 'BADLEN   %-18s %6.2fs (want %s-%s s)\n' "$n.mp3" "$d" "$MIN_SECONDS" "$MAX_SECONDS"
      bad=1
    fi
  done
  # Stray files are not fatal, just reported.
  for f in "$OUT_DIR"/*.mp3; do
    [[ -e $f ]] || continue
    n=$(basename "$f" .mp3)
    [[ " ${NAMES[*]} " == *" $n "* ]] || echo "EXTRA    $n.mp3 (not in the name list)"
  done
  echo "total: ${#NAMES[@]} names, $total bytes"
  if ((bad)); then
    echo "sound check FAILED; run assets/sounds/generate.sh to regenerate" >&2
    return 1
  fi
  echo "sound check passed"
}

# ---------------------------------------------------------------------------
# Building blocks. All write float WAV files into $WORK.
# ---------------------------------------------------------------------------

S() { sox -R "${SOX_VERBOSITY:--V1}" "$@"; }   # -R: repeatable noise/dither; SOX_VERBOSITY=-V2 shows warnings

newtmp() { mktemp -p "$WORK" XXXXXXXX.wav; }

# tone OUT DUR TYPE FREQ [EFFECT...]
#   FREQ may be Hz, a sweep "A-B", or %N (semitones relative to A4 = 440 Hz).
tone() {
  local out=$1 dur=$2 type=$3 freq=$4; shift 4
  S -n "${FMT[@]}" "$out" synth "$dur" "$type" "$freq" gain -6 "$@"
}

# noise OUT DUR KIND [EFFECT...]   KIND: whitenoise|pinknoise|brownnoise
noise() {
  local out=$1 dur=$2 kind=$3; shift 3
  S -n "${FMT[@]}" "$out" synth "$dur" "$kind" gain -6 "$@"
}

# rest OUT DUR
rest() { S -n "${FMT[@]}" "$1" trim 0 "$2"; }

# chord OUT DUR TYPE "F1 F2 ..." [EFFECT...]   (voices mixed equally)
chord() {
  local out=$1 dur=$2 type=$3 freqs=$4; shift 4
  local parts=() f p
  for f in $freqs; do
    p=$(newtmp); tone "$p" "$dur" "$type" "$f"; parts+=("$p")
  done
  if ((${#parts[@]} == 1)); then
    S "${parts[0]}" "${FMT[@]}" "$out" "$@"
  else
    S -m "${parts[@]}" "${FMT[@]}" "$out" "$@"
  fi
}

# join OUT IN...   (concatenate)
join() { local out=$1; shift; S "$@" "${FMT[@]}" "$out"; }

# mix OUT [-v VOL] IN [-v VOL] IN ...   (sox -m; give -v to set levels)
mix() { local out=$1; shift; S -m "$@" "${FMT[@]}" "$out"; }

# notes OUT TYPE RELEASE "DUR:F[,F...] DUR:r ..." [EFFECT...]
#   A little score: each token is a duration and one or more frequencies
#   (a chord) or r for a rest. Each note gets a 5 ms attack and RELEASE s
#   fade-out; EFFECTs apply to the whole phrase.
notes() {
  local out=$1 type=$2 rel=$3 score=$4; shift 4
  local parts=() tok dur fs p r
  for tok in $score; do
    dur=${tok%%:*}; fs=${tok#*:}
    p=$(newtmp)
    if [[ $fs == r ]]; then
      rest "$p" "$dur"
    else
      r=$(awk -v d="$dur" -v r="$rel" 'BEGIN { m = d * 0.9; print (r < m ? r : m) }')
      chord "$p" "$dur" "$type" "${fs//,/ }" fade q 0.005 "$dur" "$r"
    fi
    parts+=("$p")
  done
  local j; j=$(newtmp)
  join "$j" "${parts[@]}"
  S "$j" "${FMT[@]}" "$out" "$@"
}

# say OUT VOICE SPEED PITCH "TEXT" [EFFECT...]   (espeak-ng speech)
say() {
  local out=$1 voice=$2 speed=$3 pitch=$4 text=$5; shift 5
  local raw; raw=$(newtmp)
  espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$raw" "$text"
  # Speech is peaky: lift it ~8 dB with sox's limiter so it sits level with
  # the synthesised clips.
  S "$raw" "${FMT[@]}" "$out" norm -1 gain -l 8 gain -6 "$@"
}

# sing OUT VOICE SPEED "PITCH:syllable PITCH:syllable ..." [EFFECT...]
#   Speaks each syllable at its own espeak pitch (0-99) and strings them
#   together tightly, for sing-song clips.
sing() {
  local out=$1 voice=$2 speed=$3 score=$4; shift 4
  local parts=() tok p
  for tok in $score; do
    p=$(newtmp)
    say "$p" "$voice" "$speed" "${tok%%:*}" "${tok#*:}" \
      silence 1 0.005 1% reverse silence 1 0.005 1% reverse
    parts+=("$p")
  done
  local j; j=$(newtmp)
  join "$j" "${parts[@]}"
  S "$j" "${FMT[@]}" "$out" "$@"
}

# ---------------------------------------------------------------------------
# The clips. gen_NAME writes $1 (a raw float WAV); finalize() does the rest.
# Notes use %N = semitones from A4 (440 Hz): %3 = C5, %-9 = C4, %-21 = C3.
# ---------------------------------------------------------------------------

gen_56k() {            # dial tone, keypad beeps, answer tone, handshake screech
  local a b c d e f
  a=$(newtmp); chord "$a" 0.35 sine "350 440" fade q 0.01 0.35 0.02
  b=$(newtmp); notes "$b" sine 0.01 "0.08:697,1209 0.05:r 0.08:770,1336 0.05:r 0.08:852,1477 0.06:r"
  c=$(newtmp); tone "$c" 0.3 sine 2100 fade q 0.01 0.3 0.02
  d=$(newtmp); tone "$d" 0.45 sine 900-2600 tremolo 40 60
  e=$(newtmp); noise "$e" 0.45 whitenoise bandpass 1800 1200 tremolo 17 80
  f=$(newtmp); mix "$f" -v 0.7 "$d" -v 0.5 "$e"
  local g; g=$(newtmp); tone "$g" 0.3 square 1650 lowpass 3000 tremolo 25 90 fade q 0.01 0.3 0.08
  join "$1" "$a" "$b" "$c" "$f" "$g"
}

gen_ballmer()   { say "$1" en-us+m3 185 45 "Developers! Developers!"; }

gen_bell() {           # struck bell: inharmonic partials, long decay
  local a b c d
  a=$(newtmp); tone "$a" 1.8 sine 660  fade t 0.002 1.8 1.75
  b=$(newtmp); tone "$b" 1.8 sine 1584 fade t 0.002 1.2 1.15
  c=$(newtmp); tone "$c" 1.8 sine 1980 fade t 0.002 0.8 0.75
  d=$(newtmp); tone "$d" 1.8 sine 2640 fade t 0.002 0.5 0.45
  mix "$1" -v 0.5 "$a" -v 0.25 "$b" -v 0.2 "$c" -v 0.1 "$d"
}

gen_bezos()     { say "$1" en-us+m1 150 20 "Heh heh heh. Ha ha!"; }
gen_bueller()   { say "$1" en-us 120 35 "Anyone? ... Anyone?"; }
gen_butts()     { say "$1" en-us+m3 150 55 "Heh. Butts."; }

gen_clowntown() {      # calliope ditty and two bulb-horn honks
  local a b c
  a=$(newtmp); notes "$a" triangle 0.03 \
    "0.11:%-2 0.11:%2 0.11:%5 0.11:%10 0.11:%8 0.11:%5 0.11:%2 0.22:%-2,%5" tremolo 7 30
  b=$(newtmp); tone "$b" 0.16 sawtooth 380-470 lowpass 1800 fade q 0.01 0.16 0.04
  c=$(newtmp); rest "$c" 0.07
  join "$1" "$a" "$c" "$b" "$c" "$b"
}

gen_cottoneyejoe() {   # fiddle hoedown run (original tune)
  notes "$1" sawtooth 0.02 \
    "0.1:%-7 0.1:%-3 0.1:%0 0.1:%-3 0.1:%-7 0.1:%-5 0.1:%-3 0.1:%-5 0.1:%-7 0.1:%-12 0.12:%-7 0.4:%-7,%0" \
    gain -6 highpass 250 lowpass 3500 tremolo 6 25
}

gen_crickets() {       # two crickets chirping on a quiet night
  local a b c d e
  a=$(newtmp); notes "$a" sine 0.02 "0.22:4400 0.2:r 0.22:4400 0.2:r 0.22:4400 0.3:r" tremolo 32 100
  b=$(newtmp); notes "$b" sine 0.02 "0.14:r 0.2:4750 0.3:r 0.2:4750 0.3:r 0.2:4750 0.1:r" tremolo 27 100
  c=$(newtmp); noise "$c" 1.7 pinknoise lowpass 900 fade q 0.3 1.7 0.3
  mix "$1" -v 0.5 "$a" -v 0.35 "$b" -v 0.06 "$c"
}

gen_curb() {           # quirky plucked tune over an oom-pah tuba
  local a b
  a=$(newtmp); notes "$a" pluck 0.05 \
    "0.14:%3 0.14:%1 0.14:%3 0.14:%6 0.14:%3 0.14:%1 0.14:%-2 0.42:%1"
  b=$(newtmp); notes "$b" square 0.05 \
    "0.14:%-26 0.14:r 0.14:%-19 0.14:r 0.14:%-26 0.14:r 0.14:%-21 0.42:%-26" lowpass 500
  mix "$1" -v 0.6 "$a" -v 0.5 "$b"
}

gen_dadgummit()  { say "$1" en-us+grandpa 165 35 "Dad gum it!"; }

gen_dangerzone() {     # spoken, over a low synth-brass pad
  local a b
  a=$(newtmp); say "$a" en-us+m3 125 25 "Danger zone!"
  b=$(newtmp); chord "$b" 1.3 sawtooth "%-31 %-24 %-19" lowpass 900 tremolo 5 20 fade q 0.1 1.3 0.4
  mix "$1" -v 1 "$a" -v 0.25 "$b"
}

gen_danielsan()  { say "$1" en-us 140 40 "Daniel san!"; }

gen_deeper() {         # each "deeper" lower and slower
  local a b c g
  a=$(newtmp); say "$a" en-us+m3 150 60 "deeper" silence 1 0.005 1% reverse silence 1 0.005 1% reverse
  b=$(newtmp); say "$b" en-us+m3 125 35 "deeper" silence 1 0.005 1% reverse silence 1 0.005 1% reverse
  c=$(newtmp); say "$c" en-us+m3 100 5  "deeper" silence 1 0.005 1% reverse silence 1 0.005 1% reverse
  g=$(newtmp); rest "$g" 0.12
  join "$1" "$a" "$g" "$b" "$g" "$c"
}

gen_donotwant()  { say "$1" en-us+m3 155 50 "Do not want!"; }

gen_drama() {          # dun, dun, DUNNN (strings + timpani)
  local a b
  a=$(newtmp); notes "$a" sawtooth 0.06 \
    "0.24:%-31,%-19 0.1:r 0.24:%-28,%-16 0.1:r 1.2:%-25,%-13,%-22" lowpass 1400 tremolo 5 15
  b=$(newtmp); notes "$b" sine 0.2 "0.24:55 0.1:r 0.24:62 0.1:r 1.2:65" fade q 0 1.88 1.0
  mix "$1" -v 0.7 "$a" -v 0.5 "$b"
}

gen_flawless()   { say "$1" en-us+m1 115 15 "Flawless." echo 0.8 0.7 90 0.25; }
gen_glados()     { say "$1" en-us+f5 135 70 "For science." echo 0.8 0.7 7 0.45 flanger 0 1 0 60 0.5; }
gen_gogogo()     { say "$1" en-us+m3 210 60 "Go! Go! Go!"; }
gen_greatjob()   { say "$1" en-us+f3 160 60 "Great job!"; }

gen_greyjoy() {        # lonely war horn over the sea
  local a b
  a=$(newtmp); chord "$a" 2.2 sawtooth "%-33 %-21 %-26" lowpass 700 tremolo 4 10 fade q 0.35 2.2 0.6
  b=$(newtmp); noise "$b" 2.2 brownnoise lowpass 600 tremolo 0.7 60 fade q 0.5 2.2 0.6
  mix "$1" -v 0.8 "$a" -v 0.35 "$b"
}

gen_guarantee()  { say "$1" en-us+m6 140 30 "I guarantee it."; }
gen_heygirl()    { say "$1" en-us+m1 105 20 "Hey, girl." reverb 20; }

gen_honk() {           # car horn: two detuned squares, two toots
  local a b g
  a=$(newtmp); chord "$a" 0.18 square "405 510" lowpass 2500 fade q 0.01 0.18 0.03
  b=$(newtmp); chord "$b" 0.4  square "405 510" lowpass 2500 fade q 0.01 0.4 0.05
  g=$(newtmp); rest "$g" 0.08
  join "$1" "$a" "$g" "$b"
}

gen_horn() {           # air horn: short, short, long
  notes "$1" sawtooth 0.03 "0.15:466,470,587 0.06:r 0.15:466,470,587 0.06:r 0.65:466,470,587" \
    overdrive 12 lowpass 4000
}

gen_horror() {         # dissonant string stab over a low drone
  local a b
  a=$(newtmp); chord "$a" 1.4 sawtooth "%15 %16 %21" highpass 700 tremolo 13 60 fade q 0.01 1.4 1.1
  b=$(newtmp); chord "$b" 1.4 sawtooth "%-35 %-34" lowpass 300 fade q 0.05 1.4 0.8
  mix "$1" -v 0.5 "$a" -v 0.6 "$b"
}

gen_incoming() {       # three klaxon whoops
  local w g
  w=$(newtmp); tone "$w" 0.42 square 320-880 lowpass 2200 fade q 0.02 0.42 0.06
  g=$(newtmp); rest "$g" 0.1
  join "$1" "$w" "$g" "$w" "$g" "$w"
}

gen_inconceivable() { say "$1" en-us 150 55 "Inconceivable!"; }
gen_letitgo()    { say "$1" en-us+f3 130 70 "Let it go." reverb 30; }
gen_live()       { say "$1" en-us+m3 170 45 "We're live!"; }
gen_loggins()    { say "$1" en-us+m2 140 55 "Loggins!" echo 0.8 0.6 120 0.3; }
gen_makeitso()   { say "$1" en-gb 130 30 "Make it so."; }

gen_mario_coin() {     # two quick high square notes
  notes "$1" square 0.02 "0.07:%15 0.45:%22" lowpass 6000 fade q 0 0.52 0.4
}

gen_maybe()      { say "$1" en-us+f2 140 60 "Hmm. Maybe?"; }
gen_noooo()      { say "$1" en-us+m3 80 40 "Nooooooo!"; }

gen_nyan() {           # happy 8-bit loop (original notes) with a bass line
  local a b
  a=$(newtmp); notes "$a" square 0.02 \
    "0.1:%15 0.1:%19 0.1:%22 0.1:%27 0.1:%22 0.1:%19 0.1:%17 0.1:%20 0.1:%24 0.1:%29 0.1:%24 0.1:%20 0.1:%22 0.1:%19 0.1:%15 0.2:%27" \
    lowpass 5000
  b=$(newtmp); notes "$b" square 0.05 "0.4:%-21 0.4:%-25 0.4:%-23 0.5:%-21" lowpass 900
  mix "$1" -v 0.45 "$a" -v 0.35 "$b"
}

gen_ohmy()       { say "$1" en-us+f4 125 75 "Oh my!"; }
gen_ohyeah()     { say "$1" en-us+m1 105 10 "Oh yeah!"; }

gen_pushit() {         # spoken over two kick drums
  local a k g b
  a=$(newtmp); say "$a" en-us+f2 150 50 "Push it!"
  k=$(newtmp); tone "$k" 0.25 sine 150-45 fade q 0.002 0.25 0.2
  g=$(newtmp); rest "$g" 0.2
  b=$(newtmp); join "$b" "$k" "$g" "$k"
  mix "$1" -v 1 "$a" -v 0.5 "$b"
}

gen_rimshot() {        # ba-dum-tss
  local sn sb s tm cy cn g1 g2
  sn=$(newtmp); noise "$sn" 0.14 whitenoise bandpass 2000 1500 fade q 0 0.14 0.13
  sb=$(newtmp); tone  "$sb" 0.14 sine 220-160 fade q 0 0.14 0.12
  s=$(newtmp);  mix "$s" -v 0.6 "$sn" -v 0.6 "$sb"
  tm=$(newtmp); tone "$tm" 0.2 sine 140-90 fade q 0 0.2 0.18
  cn=$(newtmp); noise "$cn" 1.0 whitenoise highpass 5000 fade q 0 1.0 0.95
  cy=$(newtmp); mix "$cy" -v 0.5 "$cn" -v 0.4 "$s"
  g1=$(newtmp); rest "$g1" 0.09
  g2=$(newtmp); rest "$g2" 0.05
  join "$1" "$s" "$g1" "$tm" "$g2" "$cy"
}

gen_rollout()    { say "$1" en-us+m1 130 0 "Roll out!" chorus 0.6 0.9 40 0.5 0.25 2 -t; }

gen_rumble() {         # distant low rumble
  noise "$1" 2.0 brownnoise lowpass 140 tremolo 3 50 fade q 0.4 2.0 0.8
}

gen_sax() {            # smooth sax-ish lick with a bend on the last note
  local a b
  a=$(newtmp); notes "$a" sawtooth 0.04 "0.12:%-14 0.12:%-11 0.12:%-9 0.16:%-7" \
    lowpass 1800 overdrive 4 tremolo 5 12
  b=$(newtmp); tone "$b" 0.9 sawtooth %-2 lowpass 1800 overdrive 4 tremolo 5 20 \
    bend 0.45,-200,0.3 fade q 0.02 0.9 0.35
  local j; j=$(newtmp); join "$j" "$a" "$b"
  S "$j" "${FMT[@]}" "$1" reverb 25
}

gen_secret() {         # sparkling ascending arpeggio
  notes "$1" triangle 0.05 "0.09:%3 0.09:%7 0.09:%10 0.09:%15 0.09:%19 0.09:%22 0.6:%27,%15" \
    echo 0.8 0.6 110 0.3
}

gen_sexyback()   { say "$1" en-us+m1 135 30 "Yeah. Bring it back."; }
gen_story()      { say "$1" en-us 150 45 "That's a great story."; }

gen_tada() {           # brassy fanfare: pickup, then a big major chord
  notes "$1" sawtooth 0.04 "0.13:%-9,%-5,%-2 0.04:r 0.13:%-9,%-5,%-2 0.04:r 1.0:%-9,%3,%7,%10" \
    lowpass 2600 tremolo 5 15 fade q 0 1.34 0.5
}

gen_tmyk() {           # shooting star: tinkling run, shimmering chord, whoosh
  local a b c
  a=$(newtmp); notes "$a" sine 0.04 "0.07:%27 0.07:%24 0.07:%22 0.07:%19 1.0:%15,%19,%22" \
    fade q 0 1.28 0.8 echo 0.8 0.7 80 0.35
  b=$(newtmp); noise "$b" 0.6 pinknoise highpass 3000 fade q 0.3 0.6 0.3
  mix "$1" -v 0.8 "$a" -v 0.15 "$b"
}

gen_totes()      { say "$1" en-us+f3 170 70 "Totes!"; }
gen_trololo()    { sing "$1" en-us+m3 150 "50:tro 70:lo 60:lo 80:lo 55:lo 40:lo"; }

gen_trombone() {       # sad descending wah-wah-wah-waaah
  notes "$1" sawtooth 0.05 "0.35:233 0.35:220 0.35:207 0.9:196" lowpass 1200 \
    tremolo 6 20 fade q 0 1.95 0.4
}

gen_unix()       { say "$1" en-us+f2 160 65 "Oh! A Unix system."; }

gen_vuvuzela() {       # buzzy stadium drone
  chord "$1" 1.8 sawtooth "233 235.5" overdrive 15 lowpass 3500 tremolo 3 10 fade q 0.08 1.8 0.25
}

gen_what()       { say "$1" en-us 150 60 "What?"; }

gen_whoomp() {         # spoken, with a sub-bass drop
  local a b
  a=$(newtmp); say "$a" en-us+m3 120 15 "Whoomp!"
  b=$(newtmp); tone "$b" 0.7 sine 160-40 fade q 0.005 0.7 0.4
  mix "$1" -v 1 "$a" -v 0.6 "$b"
}

gen_wups() {           # "whoops!" and a slide whistle falling
  local a b
  a=$(newtmp); say "$a" en-us+f3 160 65 "Whoops!"
  b=$(newtmp); tone "$b" 0.45 sine 1500-450 fade q 0.02 0.45 0.1
  join "$1" "$a" "$b"
}

gen_yay()        { say "$1" en-us+f4 150 85 "Yay!"; }
gen_yeah()       { say "$1" en-us+m3 130 40 "Yeah!"; }
gen_yodel()      { sing "$1" en-us+m3 150 "30:yo 85:de 35:lay 95:ee 45:hoo"; }

# ---------------------------------------------------------------------------

# finalize NAME RAW: 16-bit PCM, trim silence, normalise, clamp, encode MP3.
finalize() {
  local name=$1 raw=$2
  local mid=$WORK/$name.final.wav out=$OUT_DIR/$name.mp3 tmp d
  S "$raw" -r "$SR" -c 1 -b 16 -e signed-integer "$mid" \
    norm -3 \
    silence 1 0.005 0.5% reverse silence 1 0.005 0.5% fade q 0.015 reverse fade q 0.002 \
    norm -3
  local rms
  rms=$(sox "$mid" -n stats 2>&1 | awk '/^RMS lev dB/ { print $4 }')
  if [[ -n $rms ]] && ! in_range "$rms" -999 "$MAX_RMS_DB"; then
    tmp=$(newtmp)
    S "$mid" -b 16 -e signed-integer "$tmp" gain "$(awk -v r="$rms" -v m="$MAX_RMS_DB" 'BEGIN { print m - r }')"
    mv "$tmp" "$mid"
  fi
  d=$(duration "$mid")
  if ! in_range "$d" 0 "$CLAMP_SECONDS"; then
    tmp=$(newtmp)
    S "$mid" -b 16 -e signed-integer "$tmp" trim 0 "$CLAMP_SECONDS" fade q 0 "$CLAMP_SECONDS" 0.2
    mv "$tmp" "$mid"
  elif ! in_range "$d" "$PAD_TO_SECONDS" 999; then
    tmp=$(newtmp)
    S "$mid" -b 16 -e signed-integer "$tmp" pad 0 "$(awk -v d="$d" -v p="$PAD_TO_SECONDS" 'BEGIN { print p - d }')"
    mv "$tmp" "$mid"
  fi
  lame --quiet -b 64 -m m --resample 44.1 \
    --tt "$name" --ta "Campfire in Go" --tc "CC0 1.0; made by assets/sounds/generate.sh" \
    "$mid" "$out"
  printf '%-16s %5.2fs %6d bytes\n' "$name" "$(duration "$mid")" "$(wc -c <"$out")"
}

main() {
  case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    --list)    printf '%s\n' "${NAMES[@]}"; exit 0 ;;
    --check)   check_all; exit $? ;;
    -*)        usage >&2; exit 2 ;;
  esac

  require_tools espeak-ng sox soxi lame awk mktemp

  local todo=("$@") n
  ((${#todo[@]})) || todo=("${NAMES[@]}")
  for n in "${todo[@]}"; do
    [[ " ${NAMES[*]} " == *" $n "* ]] || die "unknown sound name: $n (see --list)"
  done

  mkdir -p "$OUT_DIR"
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT

  for n in "${todo[@]}"; do
    local raw=$WORK/$n.raw.wav
    "gen_$n" "$raw"
    finalize "$n" "$raw"
  done

  # Only the full run checks the whole set.
  if ((${#todo[@]} == ${#NAMES[@]})); then
    echo
    check_all
  fi
}

main "$@"
