//! The `actas` command end to end: the binary run on the bundled Venezuelan data and on damaged
//! copies of it, its output and its exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The library example that does the same job (`examples/audit.rs`).
#[allow(dead_code)]
#[path = "../../examples/audit.rs"]
mod example;

const V1: [&str; 2] = [
    "data/ve2024/RESULTADOS_2024_CSV_V1.csv",
    "data/ve2024/layout_v1.json",
];
const V2: [&str; 2] = [
    "data/ve2024/RESULTADOS_2024_CSV_V2.csv",
    "data/ve2024/layout_v2.json",
];
const BULLETINS: &str = "data/ve2024/bulletins.json";

/// The repository's root, where the bundled data are.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Runs `actas` with `args` from the repository's root.
fn actas(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_actas"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the actas binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 output")
}

fn assert_contains(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
}

/// A temporary directory of the test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("actas-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// V1 with two rows damaged (a count cell made `x...`), as a file in `dir`.
fn damaged_v1(dir: &Scratch) -> String {
    let v1 = std::fs::read_to_string(root().join(V1[0])).unwrap();
    let mut lines: Vec<String> = v1.lines().map(str::to_owned).collect();
    for k in [10, 20] {
        lines[k] = lines[k].replacen(",", ",x", 9);
    }
    dir.file("damaged.csv", &(lines.join("\n") + "\n"))
}

#[test]
fn the_venezuelan_audit_prints_the_verdict_and_exits_0() {
    let o = actas(&["audit", V1[0], V1[1], "--bulletins", BULLETINS]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv: every row read (24,532 rows)",
            "CNE bulletin 1: NOT POSSIBLE given the sheets",
            "announced 4,445,978; the sheets allow at least 4,585,832 (off by 139,854 votes; 379 sheets would have to be false)",
            "R001 critical CNE bulletin 1",
        ],
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn a_second_reading_is_compared() {
    let o = actas(&[
        "audit",
        V1[0],
        V1[1],
        "--bulletins",
        BULLETINS,
        "--compare",
        V2[0],
        V2[1],
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "data/ve2024/RESULTADOS_2024_CSV_V2.csv: every row read (25,073 rows)",
            "Second reading: 24,530 identical (301 with another image), 0 different, 2 only in the first, 543 only in the second",
        ],
    );
}

#[test]
fn fail_on_exits_4_at_or_above_the_severity() {
    let base = ["audit", V1[0], V1[1], "--bulletins", BULLETINS];
    for (level, code) in [("critical", 4), ("error", 4), ("warning", 4), ("info", 4)] {
        let mut a = base.to_vec();
        a.extend(["--fail-on", level, "--quiet"]);
        let o = actas(&a);
        assert_eq!(o.status.code(), Some(code), "{level}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "--quiet");
        assert!(stderr(&o).contains("at or above"), "{}", stderr(&o));
    }
    // Without bulletins, the V1 sheets raise nothing critical.
    let o = actas(&["audit", V1[0], V1[1], "--fail-on", "critical"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn json_is_the_report_as_json() {
    let o = actas(&[
        "audit",
        V1[0],
        V1[1],
        "--bulletins",
        BULLETINS,
        "--json",
        "--exact-coverage",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let eg = &json["bulletins"][0]["feasibility"]["bounds"][1];
    assert_eq!(
        (eg["subject"].as_str(), eg["gap"].as_u64()),
        (Some("EG"), Some(195_336)),
        "exact reading"
    );
    assert_eq!(json["inputs"][0]["rows_read"].as_u64(), Some(24_532));
}

#[test]
fn a_register_is_checked() {
    let dir = Scratch::new("register");
    let register = dir.file(
        "register.csv",
        "table,electors\n010113042-1,666\n999999999-1,100\n",
    );
    let o = actas(&["audit", V1[0], V1[1], "--register", &register]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // 24,531 sheets are outside this two-table register; the one inside agrees on its electors.
    assert_contains(&text, &["D003 x24531", "D004 x1"]);
    assert!(!text.contains("D005"), "{text}");
}

#[test]
fn wrong_arguments_exit_2_and_unreadable_inputs_exit_1() {
    for bad in [
        &["audit", "only-one"][..],
        &["audit", "a", "b", "--bogus"],
        &["audit", "a", "b", "--compare", "x"],
        &["audit", "a", "b", "--allow-rejected", "many"],
        &["audit", "a", "b", "--allow-rejected", "101%"],
        &["audit", "a", "b", "--fail-on", "bad"],
        &["audit", "a", "b", "--stream", "--register", "r.csv"],
        &[
            "audit",
            "a",
            "b",
            "--stream",
            "--compare",
            "c.csv",
            "l.json",
        ],
        &["no-such-command"],
        &[],
    ] {
        let o = actas(bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{bad:?} says why");
    }
    let o = actas(&["audit", "no/such.csv", V1[1]]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: no/such.csv: "),
        "{}",
        stderr(&o)
    );
    let o = actas(&["audit", V1[0], V1[1], "--register", "no/register.csv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: no/register.csv: "),
        "{}",
        stderr(&o)
    );
    let o = actas(&["audit", V1[0], "no/layout.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // --help and --version succeed.
    for ok in [&["--help"][..], &["audit", "--help"], &["--version"]] {
        let o = actas(ok);
        assert_eq!(o.status.code(), Some(0), "{ok:?}");
    }
    assert_contains(
        &stdout(&actas(&["audit", "--help"])),
        &[
            "Example, on the Venezuelan data",
            "Exit status:",
            "4  a finding",
        ],
    );
}

/// Rows rejected in any input exit 3 unless allowed, the report says so first, and `--stream`
/// gives the report that reading in memory gives.
#[test]
fn rejected_rows_exit_3_unless_allowed_and_stream_alike() {
    let dir = Scratch::new("rejected");
    let damaged = damaged_v1(&dir);
    let o = actas(&["audit", V1[0], V1[1], "--compare", &damaged, V1[1]]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 of 49064 rows were rejected"),
        "{}",
        stderr(&o)
    );
    let text = stdout(&o);
    let head: String = text.lines().take(8).collect::<Vec<_>>().join("\n");
    assert_contains(
        &head,
        &[
            "ROWS REJECTED: this report covers only the rows that were read",
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv: every row read (24,532 rows)",
            "damaged.csv: 2 of 24,532 rows rejected (0.01%): not_a_count 2",
            "line 11, column RE: \"x810\" is not a count",
        ],
    );
    // 2 of 49,064 rows read is 0.0041%.
    for (allowance, code) in [
        ("2", 0),
        ("1", 3),
        ("0.005%", 0),
        ("0.004%", 3),
        ("100%", 0),
        ("0%", 3),
    ] {
        let o = actas(&[
            "audit",
            V1[0],
            V1[1],
            "--compare",
            &damaged,
            V1[1],
            "--allow-rejected",
            allowance,
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(code), "{allowance}: {}", stderr(&o));
    }
    // Rejected rows are reported before findings: exit 3 even with --fail-on.
    let o = actas(&[
        "audit",
        &damaged,
        V1[1],
        "--bulletins",
        BULLETINS,
        "--fail-on",
        "critical",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));

    let o = actas(&[
        "audit",
        V1[0],
        V1[1],
        "--compare",
        &damaged,
        V1[1],
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["inputs"][1]["rejected"].as_u64(), Some(2));
    assert_eq!(
        v["inputs"][1]["reasons"][0][0].as_str(),
        Some("not_a_count")
    );

    for extra in [&[][..], &["--json"][..]] {
        let mut a = vec!["audit", &damaged, V1[1], "--bulletins", BULLETINS];
        a.extend_from_slice(extra);
        let in_memory = actas(&a);
        a.push("--stream");
        let streamed = actas(&a);
        assert_eq!(in_memory.status.code(), Some(3));
        assert_eq!(streamed.status.code(), Some(3));
        assert_eq!(stdout(&streamed), stdout(&in_memory), "{extra:?}");
    }
}

/// Every shell gets a completion script that names the subcommands and the options.
#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = actas(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert_contains(&stdout(&o), &["audit", "fail-on", "allow-rejected"]);
    }
    let o = actas(&["completions", "tcsh"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// `actas audit` prints the report that the library example prints, byte for byte, with and
/// without announcements.
#[test]
fn the_command_prints_the_examples_report() {
    std::env::set_current_dir(root()).unwrap();
    for bulletins in [None, Some(BULLETINS)] {
        let mut expected = Vec::new();
        assert!(example::run(V1[0], V1[1], bulletins, &mut expected).unwrap());
        let mut args = vec!["audit", V1[0], V1[1]];
        args.extend(bulletins.map(|b| ["--bulletins", b]).into_iter().flatten());
        let o = actas(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            stdout(&o),
            String::from_utf8(expected).unwrap(),
            "{bulletins:?}"
        );
    }
}

#[test]
fn totals_nationally_and_by_state() {
    let o = actas(&["totals", V1[0], V1[1], "--level", "state"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert_contains(
        &text,
        &[
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv: 24,532 rows read: 24,532 accepted, 0 rejected",
            "Totals on 24,532 tables (each table once; shares of valid votes)",
            "Edmundo González Urrutia          7,156,462   67.14%",
            "Nicolás Maduro Moros              3,241,461   30.41%",
            "electors                         17,745,239 (on 24,532 of 24,532 tables)",
            "blank                                     - (on no table)",
            "By state (24 places;",
            "  1 DTTO. CAPITAL: 1,534 tables; EG 462,138 (64.39%); NM 230,649 (32.14%);",
        ],
    );
    let places = text.lines().filter(|l| l.contains(" tables; EG ")).count();
    assert_eq!(places, 24, "one line per state");
    // The level by its index is the same.
    let by_index = actas(&["totals", V1[0], V1[1], "--level", "0"]);
    assert_eq!(stdout(&by_index), text);
}

/// The JSON totals: by place, they add up to the national totals.
#[test]
fn totals_as_json_add_up() {
    let o = actas(&["totals", V1[0], V1[1], "--level", "municipality", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["input"]["rows_read"].as_u64(), Some(24_532));
    assert_eq!(v["candidates"][0]["code"].as_str(), Some("EG"));
    let national: Vec<u64> = v["totals"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sum"].as_u64().unwrap())
        .collect();
    assert_eq!(national[0], 7_156_462);
    let places = v["by_level"]["places"].as_array().unwrap();
    assert!(places.len() > 300, "{} municipalities", places.len());
    for (c, &n) in national.iter().enumerate() {
        let by_place: u64 = places
            .iter()
            .map(|p| p["totals"]["candidates"][c]["sum"].as_u64().unwrap())
            .sum();
        assert_eq!(by_place, n, "candidate {c}");
    }
    assert_eq!(v["by_level"]["unplaced"]["tables"].as_u64(), Some(0));
}

#[test]
fn totals_say_what_is_wrong() {
    let o = actas(&["totals", V1[0], V1[1], "--level", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(
        &stderr(&o),
        &["no geography level \"nope\"; its levels are state, municipality, parish, centre"],
    );
    assert!(stdout(&o).is_empty());
    let o = actas(&["totals", V1[0], V1[1], "--level", "4"]);
    assert_eq!(o.status.code(), Some(1), "levels count from 0");
    let dir = Scratch::new("totals");
    let damaged = damaged_v1(&dir);
    let o = actas(&["totals", &damaged, V1[1]]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &["24,532 rows read: 24,530 accepted, 2 rejected"],
    );
    assert_contains(&stderr(&o), &["2 of 24532 rows were rejected"]);
    let o = actas(&["totals", &damaged, V1[1], "--allow-rejected", "2", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "--quiet");
}

/// A reader that stops reading (`actas ... | head`) is no error: no message, and the exit
/// status of the run.
#[test]
fn a_closed_output_is_no_error() {
    for args in [
        &["totals", V1[0], V1[1], "--level", "centre", "--json"][..],
        &["audit", V1[0], V1[1], "--json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_actas"))
            .args(args)
            .current_dir(root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn layout_check_on_the_venezuelan_file() {
    let o = actas(&["layout", "check", V1[1], V1[0]]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "data/ve2024/RESULTADOS_2024_CSV_V1.csv read through data/ve2024/layout_v1.json",
            "24,532 rows read: 24,532 accepted, 0 rejected; 0 repeated tables (0 conflicting)",
            "state: 24 places; 0 sheets without one",
            "centre: 12,817 places; 0 sheets without one",
        ],
    );
    let dir = Scratch::new("check");
    let damaged = damaged_v1(&dir);
    let o = actas(&["layout", "check", V1[1], &damaged]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "rejected rows by reason: not_a_count 2",
            "the first 2 of 2 rejected rows:",
            "line 11, column RE: \"x810\" is not a count",
        ],
    );
    let o = actas(&[
        "layout",
        "check",
        V1[1],
        &damaged,
        "--allow-rejected",
        "0.01%",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = actas(&["layout", "check", "no/layout.json", V1[0]]);
    assert_eq!(o.status.code(), Some(1));
}

/// Another shape: a column the layout leaves out, a blank line, a table read twice with other
/// counts, a sheet with no place, a rejected row; as text and as JSON.
#[test]
fn layout_check_says_what_a_layout_leaves_out() {
    let dir = Scratch::new("shape");
    let csv = dir.file(
        "sheets.csv",
        "table,state,state_name,electors,valid,null,A,B,note\n\
         1,01,North,100,10,0,6,4,ok\n\
         \n\
         2,01,North,100,10,0,7,3,\n\
         1,01,North,100,10,0,5,5,again\n\
         3,,,100,9,1,4,5,\n\
         4,02,South,100,x,0,6,4,bad\n",
    );
    let layout = root().join("tests/fixtures/layout.json");
    let layout = layout.to_str().unwrap();
    let o = actas(&["layout", "check", layout, &csv]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "5 rows read: 4 accepted, 1 rejected; 1 repeated tables (1 conflicting)",
            "blank lines skipped: 0",
            "columns the layout leaves out: note",
            "state: 1 place; 1 sheet without one",
            "repeated tables: 1 (1 with other counts than their first row)",
            "table 1 at line 5, first at line 2: other counts",
            "rejected rows by reason: not_a_count 1",
            "line 7, column valid: \"x\" is not a count",
        ],
    );
    let o = actas(&["layout", "check", layout, &csv, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows_read"].as_u64(), Some(5));
    assert_eq!(v["accepted"].as_u64(), Some(4));
    assert_eq!(v["rejected"][0]["line"].as_u64(), Some(7));
    assert_eq!(v["unused_columns"][0].as_str(), Some("note"));
}

/// `actas layout draft FILE`: the layout (parsed), and the notes.
fn draft(file: &str) -> (actas::io::Layout, String) {
    let o = actas(&["layout", "draft", file]);
    assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
    let layout = actas::io::Layout::from_json(&stdout(&o)).expect("a layout that parses");
    (layout, stderr(&o))
}

/// The drafts of the bundled V1 and V2 files read them as the hand-written layouts do: the
/// same rows accepted, each sheet with the same counts of every candidate, valid and null
/// votes (and electors in V1), in the same places. What the draft cannot know (the candidates'
/// names, the centre codes' padding, voters as a sum) its notes say to check.
#[test]
fn drafts_of_the_bundled_files_read_them_as_the_hand_written_layouts() {
    use actas::Field;
    for [csv, hand] in [V1, V2] {
        let (drafted, notes) = draft(csv);
        // Each guess said on standard error is also in the layout's description.
        let description = drafted.description.clone().unwrap_or_default();
        for note in notes.lines().skip(1) {
            assert!(
                description.contains(note.trim()),
                "{csv}: {note:?} not in {description:?}"
            );
        }
        assert!(
            description.contains("The guesses: encoding: "),
            "{description}"
        );
        let path = root().join(csv);
        let by_hand = actas::io::read_csv_path(
            &path,
            &actas::io::Layout::from_path(root().join(hand)).unwrap(),
        )
        .unwrap();
        let by_draft = actas::io::read_csv_path(&path, &drafted).unwrap();
        assert_eq!(by_draft.report.rows_read, by_hand.report.rows_read, "{csv}");
        assert_eq!(by_draft.report.accepted, by_hand.report.accepted, "{csv}");
        assert!(by_draft.report.rejected.is_empty(), "{csv}");
        let (a, b) = (&by_draft.set, &by_hand.set);
        assert_eq!(a.len(), b.len());
        assert_eq!(
            a.contest().candidates().len(),
            b.contest().candidates().len()
        );
        let mut fields = vec![Field::Valid, Field::Null, Field::Electors];
        fields.extend((0..b.contest().lines().len()).map(Field::Line));
        for i in 0..a.len() {
            for &f in &fields {
                assert_eq!(a.count(i, f), b.count(i, f), "{csv}: sheet {i}, {f:?}");
            }
            // The same places: their codes, level by level (the hand-written layout pads the
            // centre's to nine digits).
            let codes = |s: &actas::ActaSet| -> Vec<String> {
                s.geo(i)
                    .map(|p| {
                        s.geography()
                            .codes(p)
                            .iter()
                            .map(|c| c.trim_start_matches('0').to_owned())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            assert_eq!(codes(a), codes(b), "{csv}: sheet {i}");
        }
        assert_eq!(
            a.geography().len(),
            b.geography().len(),
            "{csv}: the places"
        );
        assert_contains(
            &notes,
            &[
                "key: CENTRO - MESA (the table's column by its name), unique on the 2000 rows sampled",
                "valid: column \"VOTOS_VALIDOS\", by its name",
                "candidates: 10 columns of whole numbers",
                "\"voters\": { \"sum\": [\"VOTOS_VALIDOS\", \"VOTOS_NULOS\"] }",
                "image: column \"URL\", of web addresses",
            ],
        );
    }
    assert_contains(
        &draft(V1[0]).1,
        &["encoding: utf-8", "electors: column \"RE\""],
    );
    assert_contains(
        &draft(V2[0]).1,
        &["encoding: latin-1, as the sample is not UTF-8"],
    );
}

/// Drafts of files in other languages (Portuguese, Russian, French, Indonesian), delimiters and
/// encodings find the standard fields, the table, the places and the candidates, and read every
/// row.
#[test]
fn drafts_in_other_languages_find_the_standard_fields() {
    let dir = Scratch::new("drafts");
    // Portuguese, `;`, Latin-1 (Brazil's sections, within zones).
    let pt: Vec<u8> =
        "UF;Município;Zona;Seção;Eleitores aptos;Comparecimento;Votos brancos;Votos nulos;13;22\n\
         SP;São Paulo;1;1;400;320;10;12;150;148\n\
         SP;São Paulo;1;2;390;300;9;11;140;140\n\
         SP;São Paulo;2;1;410;330;8;10;160;152\n\
         RJ;Niterói;3;1;380;310;7;9;150;144\n"
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect();
    let pt_path = dir.0.join("secoes.csv");
    std::fs::write(&pt_path, pt).unwrap();
    // Russian, `,`, UTF-8.
    let ru = dir.file(
        "uik.csv",
        "Регион,Название ТИК,УИК,Число избирателей,Число действительных бюллетеней,Число недействительных бюллетеней,Иванов,Петров\n\
         Москва,ТИК 1,101,1500,900,20,500,400\n\
         Москва,ТИК 1,102,1400,850,15,450,400\n\
         Тверь,ТИК 9,901,1200,700,10,300,400\n",
    );
    // French, `;`, UTF-8 (polling stations numbered within each commune).
    let fr = dir.file(
        "bureaux.csv",
        "Code département;Libellé département;Code commune;Libellé commune;Code BV;Inscrits;Votants;Blancs;Nuls;Exprimés;DUPONT;MARTIN\n\
         01;Ain;001;L'Abergement;0001;600;450;10;5;435;200;235\n\
         01;Ain;002;Ambérieu;0001;700;500;12;8;480;240;240\n\
         01;Ain;002;Ambérieu;0002;650;480;10;6;464;230;234\n",
    );
    // Indonesian, `,`, UTF-8 (polling stations, TPS, numbered within each village).
    let id = dir.file(
        "tps.csv",
        "Provinsi,Kabupaten,Kecamatan,Kelurahan,TPS,DPT,Pengguna Hak Pilih,Suara Sah,Suara Tidak Sah,Paslon 01,Paslon 02,Paslon 03\n\
         Aceh,Simeulue,Teupah Selatan,Latiung,001,250,200,195,5,60,90,45\n\
         Aceh,Simeulue,Teupah Selatan,Latiung,002,240,190,186,4,50,96,40\n\
         Aceh,Simeulue,Teupah Selatan,Labuhan Bajau,001,230,180,178,2,70,70,38\n",
    );
    /// A file, the (field, column) pairs its draft must find, what its notes must say, and
    /// its rows.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str], usize);
    let cases: [Case<'_>; 4] = [
        (
            pt_path.to_str().unwrap(),
            &[
                ("electors", "Eleitores aptos"),
                ("voters", "Comparecimento"),
                ("blank", "Votos brancos"),
                ("null", "Votos nulos"),
            ],
            &[
                "encoding: latin-1",
                "delimiter: ';'",
                "key: Zona - Seção",
                "candidates: 2 columns of whole numbers, named by their headers: 13, 22",
            ],
            4,
        ),
        (
            &ru,
            &[
                ("electors", "Число избирателей"),
                ("valid", "Число действительных бюллетеней"),
                ("null", "Число недействительных бюллетеней"),
            ],
            &[
                "encoding: utf-8",
                "key: УИК (the table's column by its name), unique",
                "candidates: 2 columns of whole numbers, named by their headers: Иванов, Петров",
            ],
            3,
        ),
        (
            &fr,
            &[
                ("electors", "Inscrits"),
                ("voters", "Votants"),
                ("blank", "Blancs"),
                ("null", "Nuls"),
                ("valid", "Exprimés"),
            ],
            &[
                "key: Code commune - Code BV",
                "geography level \"département\": code \"Code département\", name \"Libellé département\"",
                "candidates: 2 columns of whole numbers, named by their headers: DUPONT, MARTIN",
            ],
            3,
        ),
        (
            &id,
            &[
                ("electors", "DPT"),
                ("voters", "Pengguna Hak Pilih"),
                ("valid", "Suara Sah"),
                ("null", "Suara Tidak Sah"),
            ],
            &[
                "key: Kelurahan - TPS",
                "geography level \"Provinsi\": code \"Provinsi\"",
                "candidates: 3 columns of whole numbers, named by their headers: Paslon 01, Paslon 02, Paslon 03",
            ],
            3,
        ),
    ];
    for (file, fields, notes, rows) in cases {
        let (layout, said) = draft(file);
        for (field, column) in fields {
            assert_contains(
                &said,
                &[&format!("{field}: column {column:?}, by its name")],
            );
        }
        assert_contains(&said, notes);
        let read = actas::io::read_csv_path(file, &layout).unwrap();
        assert_eq!(read.report.rows_read, rows as u64, "{file}");
        assert_eq!(
            read.report.accepted, rows as u64,
            "{file}: {:?}",
            read.report.rejected
        );
        assert!(
            read.report.unused_columns.is_empty(),
            "{file}: {:?}",
            read.report.unused_columns
        );
    }
}

#[test]
fn a_draft_says_why_it_cannot_be_made() {
    let dir = Scratch::new("nodraft");
    for (name, text, why) in [
        ("one.csv", "onlyonecolumn\n1\n", "no delimiter"),
        ("header.csv", "a,b,c\n", "a header and no row"),
        (
            "text.csv",
            "mesa,name\n1,x\n2,y\n",
            "no column of whole numbers is left",
        ),
    ] {
        let file = dir.file(name, text);
        let o = actas(&["layout", "draft", &file]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert_contains(&stderr(&o), &[why]);
        assert!(stdout(&o).is_empty(), "{name}");
    }
    let o = actas(&["layout", "draft", "no/such.csv"]);
    assert_eq!(o.status.code(), Some(1));
    // --output writes the layout to a file.
    let out = dir.0.join("layout.json");
    let o = actas(&["layout", "draft", V1[0], "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    assert!(actas::io::Layout::from_path(&out).is_ok());
}

/// The README's main command prints the verdict the README shows, word for word.
#[test]
fn the_readme_verdict_is_what_the_main_command_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let quick = &readme[readme.find("## Quick start").unwrap()..];
    // The command: the first `sh` block's first command, its continued lines joined.
    let block = &quick[quick.find("```sh\n").unwrap() + 6..];
    let block = &block[..block.find("```").unwrap()];
    let command: String = block
        .split("   # the main job")
        .next()
        .unwrap()
        .replace("\\\n", " ");
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        words[..5],
        ["cargo", "run", "-p", "actas-cli", "--"],
        "{command}"
    );
    let o = actas(&words[5..]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let verdict = &quick[quick.find("```text\n").unwrap() + 8..];
    let verdict = &verdict[..verdict.find("```").unwrap()];
    assert!(verdict.starts_with("Verdict\n"), "{verdict}");
    assert!(
        stdout(&o).contains(verdict),
        "the README's verdict:\n{verdict}\nis not in the command's output:\n{}",
        stdout(&o)
    );
}

/// The HTML report of the Venezuelan audit with a second reading, pinned byte for byte. To
/// accept a deliberate change, run with `ACTAS_BLESS=1` and look at the page in a browser
/// (`.ci/browser-check` renders it and takes screenshots).
#[test]
fn the_html_report_is_the_golden_page() {
    // A path of its own under the root's target/, written relative to the root as the page's
    // command line shows it: the same on every machine.
    let out = "target/cli-tests/golden/ve2024.html";
    std::fs::create_dir_all(root().join("target/cli-tests/golden")).unwrap();
    let args = [
        "audit",
        V1[0],
        V1[1],
        "--bulletins",
        BULLETINS,
        "--compare",
        V2[0],
        V2[1],
        "--html",
        out,
    ];
    let o = actas(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The text report is still printed, unchanged.
    let text = actas(&args[..8]);
    assert_eq!(stdout(&o), stdout(&text));
    let page = std::fs::read_to_string(root().join(out)).unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/ve2024.html");
    if std::env::var_os("ACTAS_BLESS").is_some() {
        std::fs::write(&golden, &page).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    for (i, (got, want)) in page.lines().zip(want.lines()).enumerate() {
        assert_eq!(got, want, "line {} of {}", i + 1, golden.display());
    }
    assert_eq!(page, want, "{}", golden.display());
    // What the golden page must hold, so that blessing a broken page does not pass unseen.
    assert_contains(
        &page,
        &[
            "<!DOCTYPE html>",
            "<li class=\"critical\">CNE bulletin 1: NOT POSSIBLE given the sheets<ul><li>Edmundo González Urrutia: announced 4,445,978; the sheets allow at least 4,585,832 (off by 139,854 votes; 379 sheets would have to be false)</li></ul></li>",
            "<figure class=\"chart\" id=\"chart-1\"><svg",
            "<figure class=\"chart\" id=\"chart-2\"><svg",
            "<h3 id=\"places\">By state (24 places)</h3>",
            "24,530 tables identical (301 of them from another image)",
            "actas audit data/ve2024/RESULTADOS_2024_CSV_V1.csv data/ve2024/layout_v1.json --bulletins data/ve2024/bulletins.json --compare",
        ],
    );
    // One file: nothing is fetched (no src, no link, no url(), no script).
    for absent in [
        "<script", "src=", "<link", "url(", "@import", "http://", "https://",
    ] {
        let allowed = absent == "http://"
            && page.matches(absent).count()
                == page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert!(allowed || !page.contains(absent), "{absent} in the page");
    }
    // Each input's SHA-256.
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(root().join(BULLETINS)).unwrap();
    let hex: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(page.contains(&hex), "the bulletins' SHA-256 {hex}");
}

/// With the forensic tests, the page has the plots; twice, the same bytes.
#[test]
fn the_html_report_with_forensics_is_deterministic() {
    std::fs::create_dir_all(root().join("target/cli-tests/forensics")).unwrap();
    let run = |out: &str| {
        let o = actas(&[
            "audit",
            V1[0],
            V1[1],
            "--bulletins",
            BULLETINS,
            "--forensics",
            "--html",
            out,
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
        std::fs::read_to_string(root().join(out)).unwrap()
    };
    // The same arguments: the command line in the page is the same.
    let a = run("target/cli-tests/forensics/ve2024.html");
    let b = run("target/cli-tests/forensics/ve2024.html");
    assert_eq!(a, b);
    assert_eq!(
        a.matches("<figure class=\"plot\"").count(),
        5,
        "fingerprint, two histograms, two digit plots"
    );
    assert_eq!(a.matches("<figure class=\"chart\"").count(), 2);
    assert_contains(
        &a,
        &[
            "<section id=\"forensics\">",
            // Plotters escapes the apostrophe in the plots' titles, maud does not need to.
            "Turnout × Edmundo González Urrutia&apos;s share",
            "Last digits of Edmundo González Urrutia's counts, against",
            "Last digits of Nicolás Maduro Moros's counts, against",
        ],
    );
    // Without --forensics, no section.
    let plain = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/ve2024.html"),
    )
    .unwrap();
    assert!(!plain.contains("id=\"forensics\""));
}

/// Rejected rows: the page opens with them (and names the rows), and the exit status is still 3.
/// Streaming: no totals by place, and the page says why. An unwritable page: status 1.
#[test]
fn the_html_report_says_what_it_does_not_cover() {
    let dir = Scratch::new("html");
    let damaged = damaged_v1(&dir);
    let page = dir.0.join("page.html");
    let page = page.to_str().unwrap();
    let o = actas(&["audit", &damaged, V1[1], "--html", page, "-q"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let html = std::fs::read_to_string(page).unwrap();
    let banner = html.find("id=\"rejected\"").expect("the banner");
    assert!(
        banner < html.find("id=\"verdict\"").unwrap(),
        "the banner comes first"
    );
    assert_contains(
        &html,
        &[
            "ROWS REJECTED: 2 rows could not be read.",
            "2 of 24,532 rows rejected",
            "line 11, column RE: &quot;x810&quot; is not a count",
        ],
    );

    let o = actas(&[
        "audit",
        V1[0],
        V1[1],
        "--stream",
        "--forensics",
        "--html",
        page,
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stderr(&o),
        &["the integer-percentage test (X005) is not run"],
    );
    let html = std::fs::read_to_string(page).unwrap();
    assert_contains(
        &html,
        &[
            "No totals by place: with --stream the sheets are not held, and places need them.",
            "<section id=\"forensics\">",
        ],
    );

    let nowhere = dir.0.join("no/such/dir/page.html");
    let o = actas(&["audit", V1[0], V1[1], "--html", nowhere.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), &["could not write the HTML report"]);
    assert!(
        stdout(&o).is_empty(),
        "nothing printed before the page is written"
    );
}

#[test]
fn compare_two_publications() {
    let o = actas(&["compare", V1[0], V1[1], V2[0], V2[1]]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "24,530 tables identical (301 with another image), 0 different, 2 only in the first, 543 only in the second",
            "Only in the first (2): 210510003-1, 210510003-3",
            "(523 more; --json lists every one)",
            "C002 info     the sheets: tables only in the second reading (tables 543)",
        ],
    );
    let o = actas(&["compare", V1[0], V1[1], V2[0], V2[1], "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["only_in_first"],
        serde_json::json!(["210510003-1", "210510003-3"])
    );
    assert_eq!(v["only_in_second"].as_array().unwrap().len(), 543);
    assert_eq!(v["comparison"]["identical"], 24_530);
    // The same file twice, through its own layout by default: all identical, nothing found.
    let o = actas(&["compare", V1[0], V1[1], V1[0], "--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(&stdout(&o), &["24,532 tables identical", "Findings: 0"]);
    // Findings at or above --fail-on: 4.
    let o = actas(&[
        "compare",
        V1[0],
        V1[1],
        V2[0],
        V2[1],
        "--fail-on",
        "info",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(4));
    assert_contains(&stderr(&o), &["2 finding(s) at or above info"]);
}

#[test]
fn forensics_prints_the_figures_and_writes_the_plots() {
    let dir = Scratch::new("forensics");
    let plots = dir.0.join("plots");
    let o = actas(&[
        "forensics",
        V1[0],
        V1[1],
        "--plots",
        plots.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "Forensics (evidence to look closer, not a verdict; findings below)",
            "integer turnout: 2,446 of 24,411 tables",
            "fingerprint (24,532 tables): correlation of turnout and share -0.454",
            "Findings: 0",
        ],
    );
    let mut files: Vec<String> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "fingerprint.svg",
            "last_digits_EG.svg",
            "last_digits_NM.svg",
            "share.svg",
            "turnout.svg"
        ]
    );
    for f in &files {
        let svg = std::fs::read_to_string(plots.join(f)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{f}"
        );
    }
    let o = actas(&["forensics", V1[0], V1[1], "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["forensics"]["fingerprint"]["tables"], 24_532);
    assert_eq!(v["input"]["rejected"], 0);
}

/// V1's rows of the tables in `draws` (a CSV of `number,table,times`), with `change` applied
/// to the first, as the paper sheets an auditor would transcribe.
fn paper_of(draws: &str, change: impl Fn(&mut Vec<String>)) -> String {
    let tables: Vec<&str> = draws
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    let v1 = std::fs::read_to_string(root().join(V1[0])).unwrap();
    let mut lines = v1.lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').collect();
    let at = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let (centro, mesa) = (at("CENTRO"), at("MESA"));
    let mut out = vec![header.to_owned()];
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
        let table = format!("{:0>9}-{}", cells[centro], cells[mesa]);
        if tables.contains(&table.as_str()) {
            if out.len() == 1 {
                change(&mut cells);
            }
            out.push(cells.join(","));
        }
    }
    assert!(out.len() > 1, "no drawn table found in V1");
    out.join("\n") + "\n"
}

#[test]
fn a_risk_limiting_audit_step_by_step() {
    let dir = Scratch::new("rla");
    let state = dir.0.join("audit.json");
    let state = state.to_str().unwrap();
    let seed = "46 21 87 03 55";
    let o = actas(&[
        "rla",
        "plan",
        V1[0],
        V1[1],
        "--risk-limit",
        "0.05",
        "--state",
        state,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_contains(
        &stdout(&o),
        &[
            "24,532 tables, 10,660,267 ballots",
            "EG                7,156,462  (reported winner)",
            "first round: 11 tables",
        ],
    );
    let o = actas(&["rla", "draw", state, V1[0], V1[1], "--seed", seed]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let draws = stdout(&o);
    assert_eq!(draws.lines().count(), 12, "a header and 11 draws:\n{draws}");
    assert!(draws.starts_with("number,table,times\n1,"), "{draws}");
    assert_contains(&stderr(&o), &["drew 11 tables (draws 1 to 11)"]);
    // Verifiable: another plan of the same file draws the same tables from the same seed.
    let again = dir.0.join("again.json");
    let again = again.to_str().unwrap();
    actas(&[
        "rla",
        "plan",
        V1[0],
        V1[1],
        "--risk-limit",
        "0.05",
        "--state",
        again,
    ]);
    let o = actas(&["rla", "draw", again, V1[0], V1[1], "--seed", seed]);
    assert_eq!(stdout(&o), draws);
    // A second round needs its size, and the same seed.
    let o = actas(&["rla", "draw", again, V1[0], V1[1], "--seed", seed]);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), &["give --count"]);
    let o = actas(&[
        "rla", "draw", again, V1[0], V1[1], "--seed", "1", "--count", "2",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), &["a round cannot change it"]);

    // The paper agrees: confirmed, nothing at or above a warning.
    let paper = dir.file("paper.csv", &paper_of(&draws, |_| {}));
    let o = actas(&[
        "rla",
        "evaluate",
        state,
        V1[0],
        V1[1],
        &paper,
        "--fail-on",
        "warning",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert_contains(
        &stdout(&o),
        &["CONFIRMED: risk 0.0442 at or below the limit 0.05 after 10 draws"],
    );
    // 50 of the winner's votes moved to the runner-up on the first sheet: a discrepancy (L001).
    let moved = |cells: &mut Vec<String>| {
        let eg: u64 = cells[11].parse().unwrap();
        let nm: u64 = cells[12].parse().unwrap();
        cells[11] = (eg - 50).to_string();
        cells[12] = (nm + 50).to_string();
    };
    let bad = dir.file("bad.csv", &paper_of(&draws, moved));
    let o = actas(&[
        "rla",
        "evaluate",
        state,
        V1[0],
        V1[1],
        &bad,
        "--fail-on",
        "warning",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &v["evaluation"]["discrepancies"];
    assert_eq!(d.as_array().unwrap().len(), 1);
    assert_eq!(
        d[0]["counted_as"], 100,
        "the margin overstated by 2 x 50 votes"
    );
    assert!(
        v["evaluation"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "L001")
    );
    // A sheet declared lost counts as wrong as it can be.
    let first = draws.lines().nth(1).unwrap().split(',').nth(1).unwrap();
    let o = actas(&[
        "rla", "evaluate", state, V1[0], V1[1], &paper, "--lost", first,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).starts_with("CONFIRMED"), "{}", stdout(&o));
    // Other sheets than those planned on, and a state that is not one: status 1, said.
    let o = actas(&["rla", "evaluate", state, V2[0], V2[1], &paper]);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), &["not the ones this audit was planned on"]);
    let o = actas(&["rla", "evaluate", &paper, V1[0], V1[1], &paper]);
    assert_eq!(o.status.code(), Some(1));
    assert_contains(&stderr(&o), &["is not an audit's state"]);
}

/// A read that takes more than a moment shows a progress bar on a terminal's standard error
/// (run under `script`, which gives the command a terminal), and nothing when standard error
/// is a file or a pipe, or with --quiet.
#[cfg(target_os = "linux")]
#[test]
fn a_long_read_shows_a_progress_bar_on_a_terminal_only() {
    let dir = Scratch::new("progress");
    // V1's rows eight times: about 25 MB, more than a moment for a debug build.
    let v1 = std::fs::read_to_string(root().join(V1[0])).unwrap();
    let (header, body) = v1.split_at(v1.find('\n').unwrap() + 1);
    let big = dir.file("big.csv", &(header.to_owned() + &body.repeat(8)));
    let layout = root().join(V1[1]);
    let layout = layout.to_str().unwrap();
    let log = dir.0.join("tty.log");
    let bin = env!("CARGO_BIN_EXE_actas");
    let on_tty = |extra: &str| {
        let o = Command::new("script")
            .args(["-qec"])
            .arg(format!("{bin} totals {big} {layout} {extra} > /dev/null"))
            .arg(&log)
            .output()
            .expect("`script` (util-linux) gives the command a terminal");
        assert!(o.status.success(), "{o:?}");
        std::fs::read_to_string(&log).unwrap()
    };
    let shown = on_tty("");
    assert_contains(&shown, &["reading big.csv [", "MiB"]);
    assert!(!on_tty("--quiet").contains("reading big.csv"));
    // Not a terminal: nothing but what the command has to say.
    let o = actas(&["totals", &big, layout]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}
