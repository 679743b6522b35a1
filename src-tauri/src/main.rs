//! The `firstline` binary: starts the app. Everything else lives in the library.

// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    firstline_app::run();
}
