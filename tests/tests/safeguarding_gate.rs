//! The safeguarding gate in the real window: before the safeguarding steps are complete the page
//! holds none of the migrant-victim section's text and the gate panel lists what is missing; a
//! call of the answer command made straight from the page's JavaScript is refused by the core.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_e2e::pages::{Home, SignIn};
use firstline_e2e::{App, TempDir};

const MIGRANT_TEXTS: [&str; 4] = [
    "deported or reported to the Home Office",
    "passport or other documents",
    "no right to money or help",
    "specialist immigration advice",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migrant_section_is_absent_and_refused_before_safeguarding() {
    let data = TempDir::new("safeguarding-gate-data");
    let app = App::launch_in("safeguarding-gate", data.path(), &[]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let panel = app.text("gate-panel").await;
    assert!(
        panel.contains("Migrant victim support"),
        "gate panel: {panel}"
    );
    assert!(
        panel.contains("Immediate safety confirmed"),
        "gate panel: {panel}"
    );
    assert!(
        panel.contains("Victim spoken to alone"),
        "gate panel: {panel}"
    );
    app.screenshot("gate-closed").await;

    let source = app.client.source().await.expect("page source");
    for text in MIGRANT_TEXTS {
        assert!(
            !source.contains(text),
            "{text:?} is in the page before safeguarding"
        );
    }

    let refused = app
        .invoke_from_page(
            "answer_question",
            serde_json::json!({
                "language": "en",
                "questionId": "documents_withheld",
                "value": { "type": "choice", "value": "yes" },
            }),
        )
        .await;
    assert!(
        refused.contains("\"code\":\"Gated\"") && refused.contains("\"kind\":\"gated\""),
        "the core answered {refused}"
    );
    assert!(
        !refused.contains("passport"),
        "the refusal leaked the question: {refused}"
    );

    // In Welsh too: the question, and the gate panel, come back from the core in Welsh.
    app.click("language-switch").await;
    let welsh = app.text("question-label").await;
    assert_eq!(welsh, "Beth yw cyfeirnod y digwyddiad?");
    assert!(app
        .text("gate-panel")
        .await
        .contains("Cymorth i ddioddefwyr mudol"));
    app.screenshot("welsh").await;

    app.close().await;

    // The refusal is in the vault's audit chain: metadata only, never a value.
    let vault = rusqlite::Connection::open(data.path().join("data/uk.firstline.app/vault.sqlite"))
        .expect("open the vault file");
    let refusals: Vec<String> = vault
        .prepare("SELECT event FROM audit WHERE event LIKE 'gated_answer_refused%'")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .expect("read the audit chain");
    // The question is named by a keyed hash, as in the answers table: never in clear.
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    let tag = refusals[0]
        .strip_prefix("gated_answer_refused gate=safeguarding question=")
        .unwrap_or_else(|| panic!("unexpected audit entry {:?}", refusals[0]));
    assert!(
        tag.len() == 32 && tag.chars().all(|c| c.is_ascii_hexdigit()),
        "the question is not named by a keyed hash: {tag}"
    );
}
