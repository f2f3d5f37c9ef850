//! `actas layout draft`: a layout guessed from a file's header and a sample of its rows, for
//! the user to check.
//!
//! The guesses, in order: the encoding (UTF-8 unless the sample is not), the delimiter (the one
//! that cuts the header and the sample's rows into the same number of cells, most of them), the
//! standard fields by their usual names in the languages of the countries that publish sheets,
//! the table's column by its usual names, a column of web addresses as the sheets' images, the
//! geography as the columns before the table's (a code, with the text column after it as its
//! name), a key unique on the sample (the table's column, or the finest place's code and it), and
//! every other column of whole numbers as a candidate. Each guess is said in a note.

use std::collections::HashSet;

use actas::io::{Encoding, GeoLevel, Key, Layout};

/// The rows sampled after the header, at most.
const SAMPLE_ROWS: usize = 2_000;
/// The bytes sampled from the start of the file, at most.
pub(crate) const SAMPLE_BYTES: usize = 4 << 20;

/// Usual names of each standard field, as [`normal`] writes them (lower case, accents dropped,
/// words joined by `_`): Spanish, Portuguese, English, French, Russian, Indonesian.
const ELECTORS: &[&str] = &[
    "electores",
    "electors",
    "registered",
    "registered_voters",
    "inscritos",
    "inscrits",
    "eleitores",
    "eleitores_aptos",
    "aptos",
    "registrados",
    "re",
    "padron",
    "pemilih_dpt",
    "dpt",
    "jumlah_pemilih",
    "число_избирателей",
    "избирателей",
];
const VOTERS: &[&str] = &[
    "votantes",
    "voters",
    "votaron",
    "comparecimento",
    "comparecentes",
    "votants",
    "ballots_cast",
    "votes_cast",
    "emitidos",
    "votos_emitidos",
    "pengguna_hak_pilih",
    "проголосовало",
    "бюллетеней_выданных",
];
const VALID: &[&str] = &[
    "validos",
    "votos_validos",
    "valid",
    "valid_votes",
    "exprimes",
    "suffrages_exprimes",
    "nominais",
    "votos_nominais",
    "suara_sah",
    "действительных",
    "действительных_бюллетеней",
];
const NULL: &[&str] = &[
    "nulos",
    "votos_nulos",
    "null",
    "invalid",
    "invalid_votes",
    "nuls",
    "rejected",
    "spoilt",
    "suara_tidak_sah",
    "tidak_sah",
    "недействительных",
    "недействительных_бюллетеней",
];
const BLANK: &[&str] = &[
    "blancos",
    "votos_blancos",
    "blank",
    "blancs",
    "brancos",
    "votos_brancos",
    "em_branco",
];
/// Usual names of a polling table's column.
const TABLE: &[&str] = &[
    "mesa",
    "table",
    "mesa_id",
    "id_mesa",
    "numero_mesa",
    "nro_mesa",
    "secao",
    "secao_eleitoral",
    "bureau",
    "bureau_de_vote",
    "bv",
    "code_bv",
    "polling_station",
    "station",
    "tps",
    "no_tps",
    "nomor_tps",
    "uik",
    "уик",
    "номер_уик",
];
/// Words that mark a column as a place's code (`COD_EDO`, `region_id`).
const CODE_WORDS: &[&str] = &["cod", "codigo", "code", "id", "no", "nro", "num", "numero"];

/// A layout guessed from a file, and what the user should check.
#[derive(Debug)]
pub(crate) struct Draft {
    pub(crate) layout: Layout,
    pub(crate) notes: Vec<String>,
}

/// `text` in lower case, accents dropped, every run of other characters than letters and
/// digits made one `_`, none at either end.
pub(crate) fn normal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// How well a header (as [`normal`] writes it) matches a list of names: 2 for one of them, 1
/// for one of them as whole words inside it (`votos_validos_total`), 0 for none.
fn matches(header: &str, names: &[&str]) -> u8 {
    if names.contains(&header) {
        return 2;
    }
    let words: Vec<&str> = header.split('_').collect();
    let inside = names.iter().any(|n| {
        let name: Vec<&str> = n.split('_').collect();
        words.windows(name.len()).any(|w| w == name.as_slice())
    });
    u8::from(inside)
}

/// What the sample holds in one column.
#[derive(Debug, Default)]
struct Column {
    /// Cells with something in them.
    filled: usize,
    /// Whether every filled cell is digits (around white space).
    whole: bool,
    /// Whether every filled cell is a web address.
    url: bool,
}

fn columns(rows: &[Vec<String>], width: usize) -> Vec<Column> {
    (0..width)
        .map(|c| {
            let cells: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect();
            Column {
                filled: cells.len(),
                whole: !cells.is_empty()
                    && cells.iter().all(|s| s.bytes().all(|b| b.is_ascii_digit())),
                url: !cells.is_empty()
                    && cells
                        .iter()
                        .all(|s| s.starts_with("http://") || s.starts_with("https://")),
            }
        })
        .collect()
}

/// The sample as text, and its encoding: UTF-8 when it is (a character cut at the end of the
/// sample aside), else Latin-1.
fn decode(bytes: &[u8]) -> (String, Encoding) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), Encoding::Utf8),
        Err(e) if e.error_len().is_none() => (
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
            Encoding::Utf8,
        ),
        Err(_) => (
            bytes.iter().map(|&b| char::from(b)).collect(),
            Encoding::Latin1,
        ),
    }
}

/// The header and the sampled rows, cut at `delimiter`.
fn records(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .take(SAMPLE_ROWS + 1)
        .map_while(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect())
        .collect()
}

/// The delimiter that cuts the header into two cells or more and the most rows into as many.
fn delimiter(text: &str) -> Option<(u8, Vec<Vec<String>>)> {
    [b',', b';', b'\t', b'|']
        .into_iter()
        .map(|d| (d, records(text, d)))
        .filter(|(_, recs)| recs.first().is_some_and(|h| h.len() >= 2))
        .max_by_key(|(_, recs)| {
            let width = recs[0].len();
            let alike = recs.iter().filter(|r| r.len() == width).count();
            (alike, width)
        })
}

/// Whether the values of `cols` joined are distinct on every sampled row.
fn unique(rows: &[Vec<String>], cols: &[usize]) -> bool {
    let mut seen = HashSet::new();
    rows.iter().all(|r| {
        let key: Vec<&str> = cols
            .iter()
            .map(|&c| r.get(c).map_or("", |s| s.trim()))
            .collect();
        seen.insert(key)
    })
}

/// The level's name from its code column's header: the header less the words that mark a code
/// (`COD_EDO` is `EDO`), or the name column's header.
fn level_name(code: &str, name: Option<&str>) -> String {
    let words: Vec<&str> = code.split(['_', ' ', '-']).collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !CODE_WORDS.contains(&normal(w).as_str()))
        .collect();
    if kept.is_empty() || kept.len() == words.len() {
        return name.unwrap_or(code).to_owned();
    }
    kept.join("_")
}

/// Drafts a layout from the first bytes of a file named `name`.
pub(crate) fn draft(bytes: &[u8], name: &str) -> Result<Draft, String> {
    let mut notes = Vec::new();
    let (text, encoding) = decode(bytes);
    notes.push(match encoding {
        Encoding::Latin1 => "encoding: latin-1, as the sample is not UTF-8".to_owned(),
        _ => "encoding: utf-8".to_owned(),
    });
    let Some((delim, recs)) = delimiter(&text) else {
        return Err(format!(
            "{name}: no delimiter among , ; tab | cuts the first line into two columns or more"
        ));
    };
    let (header, rows) = recs.split_first().ok_or("the file is empty")?;
    notes.push(format!(
        "delimiter: {:?}, {} columns, {} rows sampled",
        char::from(delim),
        header.len(),
        rows.len()
    ));
    if rows.is_empty() {
        return Err(format!(
            "{name}: a header and no row: nothing to tell counts from text"
        ));
    }
    let norm: Vec<String> = header.iter().map(|h| normal(h)).collect();
    let cols = columns(rows, header.len());
    let mut used = vec![false; header.len()];

    // The standard fields: the best-matching column of whole numbers, the first on a tie.
    let mut fields: Vec<(&str, usize)> = Vec::new();
    for (field, names) in [
        ("electors", ELECTORS),
        ("voters", VOTERS),
        ("valid", VALID),
        ("null", NULL),
        ("blank", BLANK),
    ] {
        let best = (0..header.len())
            .filter(|&c| !used[c] && cols[c].whole)
            .map(|c| (matches(&norm[c], names), c))
            .filter(|&(score, _)| score > 0)
            .max_by_key(|&(score, c)| (score, std::cmp::Reverse(c)));
        match best {
            Some((_, c)) => {
                used[c] = true;
                fields.push((field, c));
                notes.push(format!("{field}: column {:?}, by its name", header[c]));
            }
            None => notes.push(format!(
                "{field}: no column found by its name (add it, or a sum of columns, if the \
                 sheets carry it)"
            )),
        }
    }
    let column_of = |field: &str| fields.iter().find(|&&(f, _)| f == field).map(|&(_, c)| c);
    if let (None, Some(v), Some(n)) = (column_of("voters"), column_of("valid"), column_of("null")) {
        notes.push(format!(
            "voters: if every voter's ballot is valid or null on these sheets, they are their \
             sum: \"voters\": {{ \"sum\": [{:?}, {:?}] }}",
            header[v], header[n]
        ));
    }
    // The table's column: by its name, else the first column unique on the sample.
    let table = (0..header.len())
        .filter(|&c| !used[c] && cols[c].filled > 0)
        .map(|c| (matches(&norm[c], TABLE), c))
        .filter(|&(score, _)| score > 0)
        .max_by_key(|&(score, c)| (score, std::cmp::Reverse(c)))
        .map(|(_, c)| c);
    // The image: a column of web addresses.
    let image = (0..header.len()).find(|&c| !used[c] && cols[c].url);
    if let Some(c) = image {
        used[c] = true;
        notes.push(format!("image: column {:?}, of web addresses", header[c]));
    }
    // The geography: the columns before the table's (before the first count field when no
    // column is named as a table), a code each level, with the text column after it as its
    // name.
    let first_count = fields.iter().map(|&(_, c)| c).min().unwrap_or(header.len());
    let end = table.unwrap_or(first_count).min(first_count);
    let mut levels: Vec<(usize, Option<usize>)> = Vec::new();
    let mut c = 0;
    while c < end {
        if used[c] || cols[c].filled == 0 {
            c += 1;
            continue;
        }
        let name =
            (c + 1 < end && cols[c].whole && !cols[c + 1].whole && !used[c + 1]).then_some(c + 1);
        levels.push((c, name));
        c += if name.is_some() { 2 } else { 1 };
    }
    // The key: the table's column when it is unique on the sample, else the finest place's
    // code and it, else every level's code and it.
    let key: Vec<usize> = match table {
        Some(t) if unique(rows, &[t]) => vec![t],
        Some(t) => {
            let finest = levels.last().map(|&(code, _)| code);
            let all: Vec<usize> = levels.iter().map(|&(code, _)| code).chain([t]).collect();
            match finest {
                Some(f) if unique(rows, &[f, t]) => vec![f, t],
                _ if unique(rows, &all) => all,
                _ => vec![t],
            }
        }
        None => (0..header.len())
            .filter(|&c| !used[c] && cols[c].filled == rows.len())
            .find(|&c| unique(rows, &[c]))
            .map_or_else(Vec::new, |c| vec![c]),
    };
    if key.is_empty() {
        return Err(format!(
            "{name}: no column is named as a polling table's, and none is unique on the sample: \
             write the layout's key by hand"
        ));
    }
    let key_names: Vec<&str> = key.iter().map(|&c| header[c].as_str()).collect();
    notes.push(format!(
        "key: {} ({}), {} on the {} rows sampled",
        key_names.join(" - "),
        if table.is_some() {
            "the table's column by its name"
        } else {
            "the first column unique on the sample"
        },
        if unique(rows, &key) {
            "unique"
        } else {
            "NOT unique"
        },
        rows.len()
    ));
    for &c in &key {
        used[c] = true;
    }
    let mut layout = Layout::new(
        format!("drafted from {name}"),
        Key::columns(key_names.iter().copied()).with_separator("-"),
    )
    .with_description(format!(
        "Drafted by `actas layout draft` from {name}: every entry is a guess; check it against \
         the file (`actas layout check`)."
    ))
    .with_encoding(encoding)
    .with_delimiter(char::from(delim));
    for &(code, name) in &levels {
        used[code] = true;
        let level = level_name(&header[code], name.map(|n| header[n].as_str()));
        let mut geo = GeoLevel::new(level.clone(), header[code].clone());
        if let Some(n) = name {
            used[n] = true;
            geo = geo.with_name(header[n].clone());
        }
        layout = layout.with_level(geo);
        notes.push(format!(
            "geography level {level:?}: code {:?}{}",
            header[code],
            name.map_or(String::new(), |n| format!(", name {:?}", header[n]))
        ));
    }
    for (field, c) in fields {
        let column = header[c].clone();
        layout = match field {
            "electors" => layout.with_electors(column),
            "voters" => layout.with_voters(column),
            "valid" => layout.with_valid(column),
            "null" => layout.with_null(column),
            _ => layout.with_blank(column),
        };
    }
    if let Some(c) = image {
        layout = layout.with_image(header[c].clone());
    }
    // The candidates: every other column of whole numbers.
    let mut candidates = Vec::new();
    for c in 0..header.len() {
        if !used[c] && cols[c].whole {
            used[c] = true;
            let h = header[c].trim();
            layout = layout.with_candidate(h, h, header[c].clone());
            candidates.push(h.to_owned());
        }
    }
    if candidates.is_empty() {
        return Err(format!(
            "{name}: no column of whole numbers is left for the candidates' votes"
        ));
    }
    notes.push(format!(
        "candidates: {} columns of whole numbers, named by their headers: {} (give each its \
         name)",
        candidates.len(),
        candidates.join(", ")
    ));
    let left: Vec<&str> = (0..header.len())
        .filter(|&c| !used[c])
        .map(|c| header[c].as_str())
        .collect();
    if !left.is_empty() {
        notes.push(format!("columns left out: {}", left.join(", ")));
    }
    // The guesses travel with the layout, in its description, not only on standard error.
    if let Some(d) = layout.description.as_mut() {
        d.push_str(" The guesses: ");
        d.push_str(&notes.join("; "));
        d.push('.');
    }
    Ok(Draft { layout, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normal() {
        assert_eq!(normal(" Votos Válidos "), "votos_validos");
        assert_eq!(normal("SEÇÃO"), "secao");
        assert_eq!(normal("УИК"), "уик");
        assert_eq!(normal("--a--b--"), "a_b");
        assert_eq!(normal(""), "");
    }

    #[test]
    fn names_match_as_whole_words() {
        assert_eq!(matches("votos_validos", VALID), 2);
        assert_eq!(matches("total_votos_validos", VALID), 1);
        assert_eq!(matches("votos_invalidos", VALID), 0);
        assert_eq!(matches("invalid", VALID), 0);
        assert_eq!(matches("invalid", NULL), 2);
        assert_eq!(matches("suara_tidak_sah", VALID), 0);
        assert_eq!(matches("suara_tidak_sah", NULL), 2);
        assert_eq!(matches("недействительных", VALID), 0);
    }

    #[test]
    fn level_names_drop_the_code_words() {
        assert_eq!(level_name("COD_EDO", Some("EDO")), "EDO");
        assert_eq!(level_name("region_id", None), "region");
        assert_eq!(level_name("CENTRO", None), "CENTRO");
        assert_eq!(level_name("code", Some("region_name")), "region_name");
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"a,b\n").1, Encoding::Utf8);
        assert_eq!(decode(b"\xEF\xBB\xBFa,b\n").0, "a,b\n");
        assert_eq!(decode(b"caf\xE9,b\n").1, Encoding::Latin1);
        // A character cut at the end of the sample is UTF-8 still.
        assert_eq!(decode(b"a,\xC3").1, Encoding::Utf8);
    }
}
