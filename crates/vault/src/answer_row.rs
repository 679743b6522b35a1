//! How one answer revision is kept in the `answers` table (format 2), so that the file, its
//! WAL and its audit chain say nothing about an answer without the officer's keys:
//! - the question id is stored as a keyed hash (HMAC-SHA256 under a key derived from the
//!   assessment's record key), the same hash the audit chain uses to name a question;
//! - the compartment is stored as a keyed hash bound to its row, so the rows of one compartment
//!   share no value an observer could group them by;
//! - the sealed plaintext is `question id || answer`, length-prefixed and padded with zeros to
//!   the first of [`PADDED_SIZES`] it fits, so "yes", "no" and "don't know" are the same length.
//!
//! Format 1 rows (from before this) are read only to be rewritten at the officer's unlock.
//! Never: a question id, compartment name or answer in clear.

use zeroize::Zeroizing;

use crate::crypto::{hmac_sha256, Key};
use crate::vault::Compartment;

/// The sizes a padded answer takes, smallest first; a longer answer takes the next multiple
/// of the largest. Short answers (every choice, number and date) fit the first.
pub(crate) const PADDED_SIZES: [usize; 4] = [256, 1024, 4096, 16 * 1024];

/// Bytes of a keyed hash kept (hex doubles it): 128 bits.
const TAG_BYTES: usize = 16;

/// The key the tags of one assessment are made with, derived from its record key.
pub(crate) struct TagKey(Zeroizing<Vec<u8>>);

impl TagKey {
    pub(crate) fn of(record_key: &Key) -> TagKey {
        TagKey(Zeroizing::new(
            hmac_sha256(record_key.as_bytes(), &[b"firstline answer tags v2"]).to_vec(),
        ))
    }

    /// The keyed hash naming `question` in this assessment's rows and audit entries.
    pub(crate) fn question(&self, assessment: &str, question: &str) -> String {
        hex(&hmac_sha256(
            &self.0,
            &[
                b"question\0",
                assessment.as_bytes(),
                b"\0",
                question.as_bytes(),
            ],
        ))
    }

    /// The keyed hash naming `compartment` in one row.
    pub(crate) fn compartment(
        &self,
        question_tag: &str,
        revision: u32,
        compartment: Compartment,
    ) -> String {
        hex(&hmac_sha256(
            &self.0,
            &[
                b"compartment\0",
                question_tag.as_bytes(),
                b"\0",
                &revision.to_be_bytes(),
                b"\0",
                compartment.name().as_bytes(),
            ],
        ))
    }

    /// Which compartment a row's tag names, if either.
    pub(crate) fn compartment_of(
        &self,
        question_tag: &str,
        revision: u32,
        tag: &str,
    ) -> Option<Compartment> {
        [Compartment::Main, Compartment::Safeguarding]
            .into_iter()
            .find(|compartment| self.compartment(question_tag, revision, *compartment) == tag)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes[..TAG_BYTES]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The associated data of a format-2 row: a ciphertext moved to another row does not open.
pub(crate) fn aad(
    assessment: &str,
    question_tag: &str,
    revision: u32,
    compartment_tag: &str,
) -> Vec<u8> {
    format!("firstline answer v2\0{assessment}\0{question_tag}\0{revision}\0{compartment_tag}")
        .into_bytes()
}

/// The associated data of a format-1 row (question and compartment in clear).
pub(crate) fn aad_v1(
    assessment: &str,
    question: &str,
    revision: u32,
    compartment: &str,
) -> Vec<u8> {
    format!("firstline answer v1\0{assessment}\0{question}\0{revision}\0{compartment}").into_bytes()
}

/// `question || answer`, each length-prefixed, padded with zeros.
pub(crate) fn encode(question: &str, answer: &[u8]) -> Zeroizing<Vec<u8>> {
    let needed = 2 + question.len() + 4 + answer.len();
    let largest = PADDED_SIZES[PADDED_SIZES.len() - 1];
    let size = PADDED_SIZES
        .into_iter()
        .find(|size| *size >= needed)
        .unwrap_or_else(|| needed.div_ceil(largest) * largest);
    let mut plaintext = Zeroizing::new(Vec::with_capacity(size));
    plaintext.extend_from_slice(&(question.len() as u16).to_be_bytes());
    plaintext.extend_from_slice(question.as_bytes());
    plaintext.extend_from_slice(&(answer.len() as u32).to_be_bytes());
    plaintext.extend_from_slice(answer);
    plaintext.resize(size, 0);
    plaintext
}

/// The question id and answer inside a padded plaintext; `None` if it is not one.
pub(crate) fn decode(plaintext: &[u8]) -> Option<(String, Zeroizing<Vec<u8>>)> {
    let question_len = u16::from_be_bytes(plaintext.get(..2)?.try_into().ok()?) as usize;
    let question = std::str::from_utf8(plaintext.get(2..2 + question_len)?).ok()?;
    let at = 2 + question_len;
    let answer_len = u32::from_be_bytes(plaintext.get(at..at + 4)?.try_into().ok()?) as usize;
    let answer = plaintext.get(at + 4..at + 4 + answer_len)?;
    Some((question.to_string(), Zeroizing::new(answer.to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_and_unknown_pad_to_one_length_and_decode_back() {
        let lengths: Vec<usize> = [
            &br#"{"type":"choice","value":"yes"}"#[..],
            br#"{"type":"choice","value":"no"}"#,
            br#"{"type":"choice","value":"unknown"}"#,
        ]
        .iter()
        .map(|answer| encode("deportation_threats", answer).len())
        .collect();
        assert_eq!(lengths, [PADDED_SIZES[0]; 3]);
        let decoded = decode(&encode("q", b"answer"));
        assert_eq!(
            decoded.map(|(question, answer)| (question, answer.to_vec())),
            Some(("q".to_string(), b"answer".to_vec()))
        );
    }

    #[test]
    fn a_long_answer_takes_a_larger_size() {
        assert_eq!(encode("q", &[b'x'; 300]).len(), PADDED_SIZES[1]);
        assert_eq!(encode("q", &[b'x'; 40_000]).len(), 48 * 1024);
    }

    #[test]
    fn tags_differ_by_question_assessment_and_row() {
        let key = match Key::from_slice(&[7; 32]) {
            Some(key) => TagKey::of(&key),
            None => unreachable!(),
        };
        assert_ne!(key.question("a", "q1"), key.question("a", "q2"));
        assert_ne!(key.question("a", "q1"), key.question("b", "q1"));
        let tag = key.question("a", "q1");
        assert_ne!(
            key.compartment(&tag, 1, Compartment::Main),
            key.compartment(&tag, 2, Compartment::Main)
        );
        let safeguarding = key.compartment(&tag, 3, Compartment::Safeguarding);
        assert_eq!(
            key.compartment_of(&tag, 3, &safeguarding),
            Some(Compartment::Safeguarding)
        );
        assert_eq!(key.compartment_of(&tag, 4, &safeguarding), None);
    }
}
