//! The gates in the real window: before the safeguarding steps are complete the page holds none
//! of the migrant-victim section's text, and no word naming migrants or immigration (whoever is
//! in the room can see the screen); the gate panels list what is missing; calls of the answer
//! command made straight from the page's JavaScript, for a migrant-victim question and for a
//! risk question before privacy, are refused by the core.

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

/// Words that name the section: none may be on screen before it opens.
const NAMES_THE_SECTION: [&str; 10] = [
    "migrant",
    "immigration",
    "home office",
    "passport",
    "deport",
    "mudol",
    "mewnfud",
    "swyddfa gartref",
    "pasbort",
    "alltud",
];

/// The text of every gate panel on the screen.
async fn gate_panels(app: &App) -> String {
    app.find("gate-panel").await;
    let mut text = String::new();
    for panel in app
        .client
        .find_all(fantoccini::Locator::Css("[data-testid='gate-panel']"))
        .await
        .expect("gate panels")
    {
        text += &panel.text().await.unwrap_or_default();
        text.push('\n');
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migrant_section_is_absent_and_refused_before_safeguarding() {
    let data = TempDir::new("safeguarding-gate-data");
    let app = App::launch_in("safeguarding-gate", data.path(), &[]).await;
    SignIn(&app).set_up().await;
    Home(&app).start_assessment().await;
    let panel = gate_panels(&app).await;
    assert!(
        panel.contains("Questions for the victim"),
        "gate panels: {panel}"
    );
    assert!(panel.contains("Further questions"), "gate panels: {panel}");
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
    let lower = source.to_lowercase();
    for word in NAMES_THE_SECTION {
        assert!(
            !lower.contains(word),
            "{word:?} is on screen before the section opens"
        );
    }

    // A risk question before the victim is spoken to alone: refused by the core too.
    let refused = app
        .invoke_from_page(
            "answer_question",
            serde_json::json!({
                "language": "en",
                "questionId": "strangulation",
                "value": { "type": "choice", "value": "yes" },
            }),
        )
        .await;
    assert!(
        refused.contains("\"code\":\"Gated\""),
        "the core answered {refused}"
    );

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
    let welsh_panels = gate_panels(&app).await;
    assert!(
        welsh_panels.contains("Cwestiynau pellach"),
        "{welsh_panels}"
    );
    let welsh_source = app
        .client
        .source()
        .await
        .expect("page source")
        .to_lowercase();
    for word in NAMES_THE_SECTION {
        assert!(
            !welsh_source.contains(word),
            "{word:?} is on the Welsh screen before the section opens"
        );
    }
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
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    for (refusal, gate) in refusals.iter().zip(["privacy", "safeguarding"]) {
        let tag = refusal
            .strip_prefix(&format!("gated_answer_refused gate={gate} question="))
            .unwrap_or_else(|| panic!("unexpected audit entry {refusal:?}"));
        assert!(
            tag.len() == 32 && tag.chars().all(|c| c.is_ascii_hexdigit()),
            "the question is not named by a keyed hash: {tag}"
        );
    }
}
