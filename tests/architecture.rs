//! The module map as docs/architecture.md draws it: no import circle between the library's
//! rooms (top-level modules), and inside the binary `cmd/` never imports `cli` (arrows run
//! `main → cli → cmd → tlsdiag`). Read from the `crate::…` paths in the source, test code
//! included, the way `cargo modules dependencies --acyclic` would check it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The identifiers following `crate::` (and inside `use crate::{a, b::c}` groups).
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name = ident(part.trim());
                if !name.is_empty() {
                    refs.insert(name);
                }
            }
        } else {
            refs.insert(ident(rest));
        }
    }
    refs
}

/// Room → the rooms its files name.
fn library_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut rooms = BTreeSet::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        if ["lib", "main", "cli", "cmd"].contains(&stem.as_str()) {
            continue;
        }
        if p.is_dir() || p.extension().is_some_and(|x| x == "rs") {
            rooms.insert(stem);
        }
    }
    let mut graph = BTreeMap::new();
    for room in &rooms {
        let mut files = Vec::new();
        let file = root.join(format!("{room}.rs"));
        if file.exists() {
            files.push(file);
        }
        if root.join(room).is_dir() {
            rust_files(&root.join(room), &mut files);
        }
        let mut deps = BTreeSet::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            deps.extend(
                crate_refs(&text)
                    .into_iter()
                    .filter(|d| d != room && rooms.contains(d)),
            );
        }
        graph.insert(room.clone(), deps);
    }
    graph
}

/// Strongly connected components of more than one room (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        for w in &t.g[v] {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.stack.contains(&w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                comp.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_checker_finds_a_circle() {
    let mut g = BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    g.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    g.insert("d".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        crate_refs("use crate::{model::X, tls};\nlet a = crate::report::text::term(s);"),
        BTreeSet::from(["model".into(), "tls".into(), "report".into()])
    );
}

/// Rooms a circle may run through: none. (The last circle, report → probe → diagnose → report and
/// identity → report, went when the probe's report became model data, `short_reason` left the
/// text report and the terminal-safety function moved to the bottom room `safe`.)
const KNOWN: &[&str] = &[];

#[test]
fn no_import_circle_between_rooms() {
    let g = library_graph();
    assert!(g.contains_key("tls") && g.contains_key("model"), "{g:?}");
    assert!(g["model"].is_empty(), "model imports {:?}", g["model"]);
    for c in circles(&g) {
        assert!(
            c.iter().all(|room| KNOWN.contains(&room.as_str())),
            "import circle {c:?}; the map: {g:#?}"
        );
    }
}

#[test]
fn binary_arrows_point_one_way() {
    let mut files = Vec::new();
    rust_files(&src().join("cmd"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let refs = crate_refs(&text);
        assert!(
            !refs.contains("cli") && !refs.contains("main"),
            "{} imports the binary's top ({refs:?})",
            f.display()
        );
    }
    // cli.rs names cmd's argument structs, and nothing dispatches there.
    let cli = std::fs::read_to_string(src().join("cli.rs")).unwrap();
    assert!(!cli.contains("fn dispatch"));
}
