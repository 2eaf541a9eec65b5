# Shared by the benchmark scripts that start a server beside a local receiver (source it).

# The port a helper wrote to file $1, once it is there (up to 5 s).
port_from_file() {
  for _ in $(seq 100); do [[ -s "$1" ]] && break; sleep 0.05; done
  cat "$1"
}

# Loads the demo plans into data dir $2 with the taskledger binary $1, and prints a coordinator
# token for it.
demo_coordinator_token() {
  "$1" load-demo --data-dir "$2" >/dev/null
  "$1" token create --role coordinator --name bench --data-dir "$2" | awk '{print $NF}'
}
