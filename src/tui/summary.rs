//! The capture-wide summary as TUI lines (issue 16 §1): a pure function over
//! `report::groups::Groups`, for a summary pane or view — failures by cause, by server and by
//! client, largest first, with count, first/last start time and an example connection. Text from
//! the capture (SNI) goes through `report::safe`.

use crate::report::groups::{Dimension, Groups, TEXT_ROWS};
use crate::report::safe::safe;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The summary's lines; `total` is the number of connections.
pub fn summary_lines(g: &Groups, total: usize) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut v = vec![Line::from(vec![
        Span::styled("Failures ", bold),
        Span::raw(format!("{} of {total} connections", g.failures)),
    ])];
    for (title, d) in [
        ("by cause", &g.by_cause),
        ("by server", &g.by_server),
        ("by client", &g.by_client),
    ] {
        dimension(&mut v, title, d);
    }
    v
}

fn dimension(v: &mut Vec<Line<'static>>, title: &str, d: &Dimension) {
    for (i, g) in d.groups.iter().take(TEXT_ROWS).enumerate() {
        v.push(Line::from(vec![
            Span::styled(
                format!("{:<10}", if i == 0 { title } else { "" }),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!("{:>6} × {}", g.count, safe(&g.key.label()))),
            Span::styled(
                format!("  e.g. #{} · {} … {}", g.example, g.first_time, g.last_time),
                Style::default().add_modifier(Modifier::DIM),
            ),
        ]));
    }
    let more: usize = d
        .groups
        .iter()
        .skip(TEXT_ROWS)
        .map(|g| g.count)
        .sum::<usize>()
        + d.other;
    if more > 0 {
        v.push(Line::from(format!(
            "{:<10}{more:>6} × in further groups",
            ""
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_every_dimension_and_escape_the_sni() {
        let p =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/hostile-sni.pcap");
        let mut a = crate::analyze::analyze_path(&p, &Default::default()).unwrap();
        crate::diagnose::diagnose_analysis(&mut a, &Default::default());
        let g = Groups::of(&a.connections);
        let text: Vec<String> = summary_lines(&g, a.connections.len())
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text[0], "Failures 1 of 1 connections");
        assert!(
            text[1].starts_with("by cause       1 × client-sent-empty-certificate"),
            "{text:?}"
        );
        assert!(
            text[2]
                .contains("1 × 127.0.0.1:8560 (SNI evil\\u{1b}[2J\\u{1b}[31mpartner\\u{202e}test)"),
            "{text:?}"
        );
        assert!(
            text[3].starts_with("by client      1 × 127.0.0.1"),
            "{text:?}"
        );
    }
}
