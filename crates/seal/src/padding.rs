//! Padding of the safeguarding section before it is sealed, so that its ciphertext length says
//! nothing about whether the victim has a migrant-victim section or what it holds.
//!
//! The padded plaintext is `length (u32, big-endian) || section || zeros`, filled to the first of
//! [`SECTION_SIZES`] it fits in. Every section the default pack can produce fits the first size,
//! so all envelopes look alike; a larger section (a force pack with long free text there) takes
//! a larger size, which tells an observer only that this section is large, never what it says.

use firstline_protocol::SECTION_SIZES;
use zeroize::Zeroizing;

use crate::SealError;

const LENGTH_PREFIX: usize = 4;

/// `section` padded to the smallest size it fits in.
pub(crate) fn pad(section: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let needed = section.len() + LENGTH_PREFIX;
    let size = SECTION_SIZES
        .into_iter()
        .find(|size| *size >= needed)
        .ok_or(SealError::SectionTooLarge)?;
    let length = u32::try_from(section.len()).map_err(|_| SealError::SectionTooLarge)?;
    let mut padded = Zeroizing::new(Vec::with_capacity(size));
    padded.extend_from_slice(&length.to_be_bytes());
    padded.extend_from_slice(section);
    padded.resize(size, 0);
    Ok(padded)
}

/// The section inside a padded plaintext; `None` if the length prefix does not fit, or the
/// padding is not all zeros, or the size is not one of ours.
pub(crate) fn unpad(padded: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if !SECTION_SIZES.contains(&padded.len()) {
        return None;
    }
    let (prefix, rest) = padded.split_at(LENGTH_PREFIX);
    let length = u32::from_be_bytes(prefix.try_into().ok()?) as usize;
    if length > rest.len() || rest[length..].iter().any(|byte| *byte != 0) {
        return None;
    }
    Some(Zeroizing::new(rest[..length].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_and_a_short_section_pad_to_the_same_size() {
        let empty = pad(b"").unwrap_or_default();
        let short = pad(br#"{"answers":{"q":"yes"}}"#).unwrap_or_default();
        assert_eq!(empty.len(), SECTION_SIZES[0]);
        assert_eq!(short.len(), SECTION_SIZES[0]);
        assert_eq!(
            unpad(&short).as_deref().map(Vec::as_slice),
            Some(&br#"{"answers":{"q":"yes"}}"#[..])
        );
        assert_eq!(unpad(&empty).map(|section| section.len()), Some(0));
    }

    #[test]
    fn a_large_section_takes_the_next_size_and_too_large_is_refused() {
        let large = pad(&vec![b'x'; SECTION_SIZES[0]]).unwrap_or_default();
        assert_eq!(large.len(), SECTION_SIZES[1]);
        assert_eq!(
            pad(&vec![b'x'; SECTION_SIZES[3]]).err(),
            Some(SealError::SectionTooLarge)
        );
    }

    #[test]
    fn a_changed_length_or_padding_is_refused() {
        let mut padded = pad(b"abc").unwrap_or_default();
        padded[100] = 1;
        assert!(unpad(&padded).is_none());
        let mut padded = pad(b"abc").unwrap_or_default();
        padded[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(unpad(&padded).is_none());
        assert!(unpad(&[0u8; 100]).is_none());
    }
}
