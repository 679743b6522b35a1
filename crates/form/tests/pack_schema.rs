//! The machine-readable schema of the pack format stays true: forms/form-pack.schema.json is
//! exactly what the model generates (FIRSTLINE_BLESS=1 rewrites it), and the shipped pack's
//! top-level fields are all in it.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use std::path::Path;

#[test]
fn the_committed_schema_is_the_models_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../forms/form-pack.schema.json");
    let generated =
        serde_json::to_string_pretty(&firstline_form::pack_schema()).expect("json") + "\n";
    if std::env::var_os("FIRSTLINE_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("bless");
    }
    let committed = std::fs::read_to_string(&path).expect("forms/form-pack.schema.json");
    assert_eq!(
        committed, generated,
        "the pack model changed: bless the schema and review it"
    );
}

#[test]
fn the_schema_knows_every_field_of_the_default_pack() {
    let schema = firstline_form::pack_schema();
    let properties = schema["properties"].as_object().expect("properties");
    let pack: serde_json::Value =
        serde_json::from_str(include_str!("../../../forms/default.json")).expect("json");
    for field in pack.as_object().expect("object").keys() {
        assert!(
            properties.contains_key(field),
            "{field} is not in the schema"
        );
    }
}
