"""The app's policy over the engine: run settings (RunConfig, build), the values the widgets
offer, what an input may cost, presets, quoting."""
