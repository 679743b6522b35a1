//! Test support: an enrolled device on a real vault file (test KDF, a fixed device secret), the
//! force's real key pairs (HPKE and pack signing), packs generated and signed by that force,
//! and reading back what finalising put in the outbox. No network: the outbox is read
//! directly, as the sync client would before sending.

#![allow(dead_code, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::SigningKey;
use firstline_seal::{RecordsKey, SafeguardingKey};
use firstline_vault::{
    DeviceSecret, Enrolment, ForceKeys, KdfParams, Outbox, RootTrust, Vault, VaultOptions,
};
use firstline_workspace::{PackSource, PackTrust, Workspace};
use zeroize::Zeroizing;

pub const PIN: &str = "246810";
const SECRET: [u8; 32] = [5; 32];

/// The device secret every test vault here is opened with.
pub fn device_secret() -> DeviceSecret {
    DeviceSecret::provided(&SECRET)
}

/// A force's key set as enrolment stores it, verified from the enrolment code, with the given
/// name and records, safeguarding and pack-signing public keys (the rest fixed filler).
pub fn force_keys(
    force_name: &str,
    records_public_key: Vec<u8>,
    safeguarding_public_key: Vec<u8>,
    pack_signing_public_key: Vec<u8>,
) -> ForceKeys {
    ForceKeys {
        force_name: force_name.into(),
        root_public_key: vec![9; 32],
        root_trusted_how: RootTrust::EnrolmentCode,
        serial: 1,
        records_public_key,
        safeguarding_public_key,
        pack_signing_public_key,
        receipt_public_key: vec![8; 32],
        commands_public_key: vec![6; 32],
        tls_ca: None,
    }
}

/// Answers every required question still missing (asking the summary at most `rounds` times),
/// so that finalising is allowed.
pub fn complete(workspace: &mut Workspace, rounds: usize) {
    for _ in 0..rounds {
        let summary = workspace
            .summary(firstline_form::Language::En)
            .expect("summary");
        let Some(row) = summary.missing.first() else {
            return;
        };
        let q: usize = row.question_id[1..].parse().expect("q<n>");
        workspace
            .answer(
                firstline_form::Language::En,
                &row.question_id,
                value_for(q, 1),
            )
            .expect("a missing question is answerable");
    }
}

/// A force (its private keys) and a device enrolled with it.
pub struct Device {
    pub dir: tempfile::TempDir,
    pub records: RecordsKey,
    pub safeguarding: SafeguardingKey,
    pack_key: SigningKey,
}

/// Enrols the vault at `vault_path` with a test force under `permit`, as the sync client would.
pub fn enrol_with_permit(vault_path: &std::path::Path, permit: firstline_vault::EnrolmentPermit) {
    let (_, records_public) = RecordsKey::generate();
    let (_, safeguarding_public) = SafeguardingKey::generate();
    Outbox::open(vault_path, DeviceSecret::provided(&SECRET))
        .expect("outbox")
        .enrol(
            permit,
            &Enrolment {
                device_id: "dev_2".into(),
                gateway_url: "http://127.0.0.1:9".into(),
                keys: force_keys(
                    "Test Constabulary",
                    records_public,
                    safeguarding_public,
                    vec![1; 32],
                ),
                token: Zeroizing::new("fl1_token".into()),
                signing_key: firstline_seal::DeviceKey::generate().secret_bytes(),
            },
            1_800_000_000,
        )
        .expect("enrolled");
}

impl Device {
    pub fn enrolled() -> Device {
        let dir = tempfile::tempdir().expect("temp dir");
        let (records_secret, records_public) = RecordsKey::generate();
        let (safeguarding_secret, safeguarding_public) = SafeguardingKey::generate();
        let pack_key = SigningKey::from_bytes(&[11; 32]);
        let permit = {
            let workspace = Device::unlocked_workspace(&dir.path().join("vault.sqlite"));
            workspace.enrolment_permit().expect("a permit")
        };
        Outbox::open(
            &dir.path().join("vault.sqlite"),
            DeviceSecret::provided(&SECRET),
        )
        .expect("outbox")
        .enrol(
            permit,
            &Enrolment {
                device_id: "dev_1".into(),
                gateway_url: "http://127.0.0.1:9".into(),
                keys: force_keys(
                    "Test Constabulary",
                    records_public,
                    safeguarding_public,
                    pack_key.verifying_key().to_bytes().to_vec(),
                ),
                token: Zeroizing::new("fl1_token".into()),
                signing_key: firstline_seal::DeviceKey::generate().secret_bytes(),
            },
            1_800_000_000,
        )
        .expect("enrolled");
        Device {
            records: RecordsKey::from_bytes(&records_secret).expect("key"),
            safeguarding: SafeguardingKey::from_bytes(&safeguarding_secret).expect("key"),
            dir,
            pack_key,
        }
    }

    pub fn vault_path(&self) -> PathBuf {
        self.dir.path().join("vault.sqlite")
    }

    /// Signs `pack_json` with the force's pack key and writes it beside the vault.
    pub fn signed_pack(&self, pack_json: &str) -> PathBuf {
        let signed = firstline_form::sign_pack(
            pack_json.as_bytes(),
            firstline_protocol::FORCE_PACK_KEY_ID,
            &self.pack_key,
        )
        .expect("the generated pack loads and signs");
        let path = self.dir.path().join("pack.signed.json");
        std::fs::write(&path, signed).expect("write pack");
        path
    }

    /// A workspace on this device's vault, unlocked for officer "PC 1", using `pack`, as a
    /// development build trusts packs.
    pub fn workspace(&self, pack: PackSource) -> Workspace {
        Device::open_workspace(&self.vault_path(), pack, PackTrust::Development)
    }

    /// [`Device::workspace`] as a release build trusts packs.
    pub fn release_workspace(&self, pack: PackSource) -> Workspace {
        Device::open_workspace(&self.vault_path(), pack, PackTrust::Release)
    }

    /// Signs `pack_json` with the force's pack key (signed bytes, content hash).
    pub fn force_signed(&self, pack_json: &str) -> (Vec<u8>, String) {
        let signed = firstline_form::sign_pack(
            pack_json.as_bytes(),
            firstline_protocol::FORCE_PACK_KEY_ID,
            &self.pack_key,
        )
        .expect("signed");
        let hash = firstline_form::verify_pack(
            &signed,
            &[firstline_form::TrustedKey::from_base64(
                firstline_protocol::FORCE_PACK_KEY_ID,
                &firstline_protocol::Base64Bytes(self.pack_key.verifying_key().to_bytes().to_vec())
                    .to_base64(),
            )
            .expect("key")],
        )
        .expect("verifies")
        .content_hash()
        .to_string();
        (signed, hash)
    }

    /// Keeps `signed` as the force's current pack, as the sync client does after pulling it.
    pub fn keep_force_pack(&self, signed: &[u8], hash: &str) {
        Outbox::open(&self.vault_path(), DeviceSecret::provided(&SECRET))
            .expect("outbox")
            .keep_force_pack(hash, signed, 1_800_000_000)
            .expect("kept");
    }

    pub fn unlocked_workspace(vault_path: &std::path::Path) -> Workspace {
        Device::open_workspace(
            vault_path,
            PackSource::ForceOrBuiltIn,
            PackTrust::Development,
        )
    }

    fn open_workspace(
        vault_path: &std::path::Path,
        pack: PackSource,
        trust: PackTrust,
    ) -> Workspace {
        let vault = Vault::open(
            vault_path,
            DeviceSecret::provided(&SECRET),
            VaultOptions {
                kdf: KdfParams::FOR_TESTS,
                max_failed_pins: 5,
                min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
                clock: Arc::new(|| 1_800_000_000),
            },
        )
        .expect("vault");
        let mut workspace = Workspace::new(vault, pack, trust, Duration::from_secs(300));
        if workspace.vault().officers().expect("officers").is_empty() {
            workspace.set_up_officer("PC 1", PIN).expect("set up");
        } else {
            workspace.unlock("PC 1", PIN).expect("unlock");
        }
        workspace
    }

    /// Every envelope waiting in the outbox, oldest first.
    pub fn outbox(&self) -> Vec<(firstline_protocol::Envelope, Vec<u8>)> {
        Outbox::open(&self.vault_path(), DeviceSecret::provided(&SECRET))
            .expect("outbox")
            .claim_due(i64::MAX, 1000)
            .expect("claimed")
            .into_iter()
            .map(|item| {
                (
                    serde_json::from_slice(&item.envelope).expect("an envelope"),
                    item.envelope,
                )
            })
            .collect()
    }

    /// What `firstline-admin open` prints of an envelope, with or without the safeguarding key.
    pub fn open(
        &self,
        envelope: &firstline_protocol::Envelope,
        with_safeguarding: bool,
    ) -> firstline_seal::OpenedSubmission {
        firstline_seal::open_submission(
            envelope,
            &self.records,
            with_safeguarding.then_some(&self.safeguarding),
        )
        .expect("opens")
    }
}

/// A generated pack: `sections` sections of `per_section` yes/no/unknown or single-choice
/// questions; gate `g` (q0 == yes and q1 == yes) in front of one section sealed to the
/// safeguarding key; `show_if` conditions drawn from `seed` — outside the gated section on
/// earlier questions outside it, inside it on anything earlier — so conditions flip as answers
/// change; the first two questions required.
pub fn generated_pack(sections: usize, per_section: usize, seed: u64) -> String {
    let mut state = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut next = move |below: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % below.max(1)
    };
    let text = |s: &str| format!(r#"{{"en":"{s}","cy":"{s} (cy)"}}"#);
    let gated = sections / 2;
    let mut written = Vec::new();
    for section in 0..sections {
        let mut items = Vec::new();
        for position in 0..per_section {
            let q = section * per_section + position;
            let single = q % 4 == 3;
            let kind = if single {
                format!(
                    r#""kind":"single_choice","choices":[{{"value":"a","label":{}}},{{"value":"b","label":{}}}]"#,
                    text("A"),
                    text("B")
                )
            } else {
                r#""kind":"yes_no_unknown""#.to_string()
            };
            let readable: Vec<usize> = (0..q)
                .filter(|earlier| section == gated || earlier / per_section != gated)
                .collect();
            let show_if = if q >= 2 && !readable.is_empty() && next(2) == 0 {
                let earlier = readable[next(readable.len())];
                if earlier % 4 == 3 {
                    format!(r#","show_if":"q{earlier} == 'a'""#)
                } else {
                    format!(r#","show_if":"q{earlier} != 'no'""#)
                }
            } else {
                String::new()
            };
            let required = if q < 2 { r#","required":true"# } else { "" };
            items.push(format!(
                r#"{{"id":"q{q}",{kind},"label":{}{show_if}{required}}}"#,
                text(&format!("Question {q}"))
            ));
        }
        let gate = if section == gated {
            r#","gate":"g","sealed_to":"safeguarding""#
        } else {
            ""
        };
        written.push(format!(
            r#"{{"id":"s{section}","title":{}{gate},"questions":[{}]}}"#,
            text(&format!("Section {section}")),
            items.join(",")
        ));
    }
    format!(
        r#"{{"format":1,"id":"generated","version":"{seed}","title":{},
            "gates":[{{"id":"g","title":{},"conditions":[
              {{"when":"q0 == 'yes'","description":{}}},
              {{"when":"q1 == 'yes'","description":{}}}]}}],
            "sections":[{}]}}"#,
        text("Generated"),
        text("Gated section"),
        text("Q0 is yes"),
        text("Q1 is yes"),
        written.join(",")
    )
}

/// The ids of the questions in the gated (safeguarding) section of a generated pack.
pub fn gated_ids(sections: usize, per_section: usize) -> Vec<String> {
    let gated = sections / 2;
    (gated * per_section..(gated + 1) * per_section)
        .map(|q| format!("q{q}"))
        .collect()
}

/// The answer a generated pack's question `q` takes for choice number `pick`.
pub fn value_for(q: usize, pick: usize) -> firstline_form::AnswerValue {
    let value = if q % 4 == 3 {
        ["a", "b"][pick % 2]
    } else {
        ["yes", "no", "unknown"][pick % 3]
    };
    firstline_form::AnswerValue::Choice(value.into())
}
