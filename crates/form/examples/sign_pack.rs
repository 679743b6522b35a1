//! Signs a form pack with the demo force's pack-signing key, for development and the default
//! pack shipped in forms/. A real force signs its packs with its own key (the admin CLI); the
//! demo key's secret is derived from a public phrase, so it proves nothing outside development.
//!
//! `cargo run -p firstline-form --example sign_pack -- forms/default.json forms/default.signed.json`
//! `cargo run -p firstline-form --example sign_pack -- --public-key`

use std::process::ExitCode;

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

const DEMO_KEY_ID: &str = "firstline-demo-force-2026";
const DEMO_KEY_PHRASE: &[u8] = b"firstline demo force pack-signing key: never for a real force";

fn main() -> ExitCode {
    let key = SigningKey::from_bytes(&Sha256::digest(DEMO_KEY_PHRASE).into());
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag] if flag == "--public-key" => {
            let public =
                base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes());
            println!("{DEMO_KEY_ID} {public}");
            ExitCode::SUCCESS
        }
        [input, output] => {
            let signed = std::fs::read(input)
                .map_err(|error| format!("{input}: {error}"))
                .and_then(|bytes| {
                    firstline_form::sign_pack(&bytes, DEMO_KEY_ID, &key)
                        .map_err(|error| error.to_string())
                })
                .and_then(|signed| {
                    std::fs::write(output, signed).map_err(|error| format!("{output}: {error}"))
                });
            match signed {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("sign_pack: {error}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            eprintln!("usage: sign_pack <pack.json> <signed.json> | --public-key");
            ExitCode::FAILURE
        }
    }
}
