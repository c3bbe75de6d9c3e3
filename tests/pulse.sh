# Sourced by the shell tests that play through PortAudio: a private
# PulseAudio daemon under $T (the caller's temporary folder), so that no
# sound card is needed and nothing of the user's is touched. pulse_start
# starts it with a null sink, fc_null, as the default sink and its monitor
# as the default source; pulse_stop kills it.
export XDG_RUNTIME_DIR="$T/run"
export PULSE_RUNTIME_PATH="$XDG_RUNTIME_DIR/pulse"
mkdir -p "$PULSE_RUNTIME_PATH"
chmod 700 "$XDG_RUNTIME_DIR"

# The null sink, loaded (again) and made the default both ways.
pulse_sink_up() {
  pactl load-module module-null-sink sink_name=fc_null rate=48000 >/dev/null
  pactl set-default-sink fc_null
  pactl set-default-source fc_null.monitor
}

pulse_start() {
  pulseaudio --daemonize=yes --exit-idle-time=-1 --high-priority=yes --realtime=yes -n \
    --load="module-native-protocol-unix" \
    --log-target=file:"$T/pulse.log" 2>/dev/null
  i=0
  until pactl info >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
  pulse_sink_up
}

pulse_stop() { pulseaudio --kill 2>/dev/null; }
