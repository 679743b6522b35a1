//! A bare Tauri window (one static paragraph, no commands), the baseline that the cold-start
//! benchmark measures beside Firstline in the same run (`cargo xtask bench`).

fn main() {
    let context = tauri::generate_context!("examples/bare_window/tauri.conf.json");
    if let Err(error) = tauri::Builder::default().run(context) {
        eprintln!("bare window failed: {error}");
        std::process::exit(1);
    }
}
