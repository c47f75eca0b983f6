package main

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on the default mux
)

// servePprof exposes Go's profiler, so a benchmark can show where the store's CPU goes
// (go tool pprof http://ADDR/debug/pprof/profile?seconds=10). Off unless asked for.
func servePprof(addr string, log *slog.Logger) {
	log.Info("profiler listening", "addr", "http://"+addr+"/debug/pprof/")
	if err := http.ListenAndServe(addr, nil); err != nil {
		log.Error("profiler stopped", "err", err)
	}
}
