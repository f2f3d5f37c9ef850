//! Reading, writing and checking a layout, and what it makes: the contest, the geography, the
//! rules.

use super::*;

impl Layout {
    /// Reads a layout from JSON text.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Layout`](crate::ErrorKind::Layout) with the line and column of the problem (an unknown key, a missing
    /// field, a wrong type), or what [`Layout::validate`] finds.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        let layout: Layout = serde_json::from_str(text).map_err(Error::layout_json)?;
        layout.validate()?;
        Ok(layout)
    }

    /// Reads a layout from a JSON file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be read; otherwise as [`Layout::from_json`], with the
    /// file's path in the message.
    #[cfg(feature = "serde")]
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(e, Some(path)))?;
        Layout::from_json(&text).map_err(|e| e.with_path(path))
    }

    /// The layout as pretty JSON.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`](crate::ErrorKind::Json) if serialisation fails (it does not for a valid layout).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(Error::json)
    }

    /// Checks the invariant.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Layout`](crate::ErrorKind::Layout) saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.key.parts.is_empty() {
            return Err(Error::layout("the key has no parts"));
        }
        if !self.delimiter.is_ascii() {
            return Err(Error::layout(format!(
                "the delimiter '{}' is not an ASCII character",
                self.delimiter
            )));
        }
        if matches!(self.delimiter, '\n' | '\r' | '"') {
            return Err(Error::layout(format!(
                "the delimiter {:?} cannot separate cells: it ends lines or quotes cells",
                self.delimiter
            )));
        }
        let pads = self.key.parts.iter().map(|p| (p.pad, "a key part"));
        let pads = pads.chain(self.geography.iter().map(|g| (g.pad, "a geography code")));
        for (pad, what) in pads {
            if pad.is_some_and(|p| p > MAX_PAD) {
                return Err(Error::layout(format!(
                    "{what} is padded to {} characters; at most {MAX_PAD} are allowed",
                    pad.unwrap_or_default()
                )));
            }
        }
        // A column read as a count in two roles (two candidates on one column) would break the
        // sheets' arithmetic on every row; sums may reuse columns.
        let mut direct: Vec<(&str, String)> = Vec::new();
        for (field, source) in self.fields.all() {
            if let Some(Source::Column(c)) = source {
                direct.push((c, format!("field {field}")));
            }
        }
        for (role, c) in self.line_columns() {
            direct.push((c, role));
        }
        for e in &self.extra {
            if let Source::Column(c) = &e.column {
                direct.push((c, format!("further field {}", e.name)));
            }
        }
        for (i, (c, role)) in direct.iter().enumerate() {
            if let Some((_, first)) = direct[..i].iter().find(|(o, _)| o == c) {
                return Err(Error::layout(format!(
                    "column \"{c}\" is read for {first} and again for {role}: each count has a column of its own"
                )));
            }
        }
        if self.candidates.is_empty() {
            return Err(Error::layout("no candidates"));
        }
        if self.lines.is_empty() {
            if let Some(c) = self.candidates.iter().find(|c| c.column.is_none()) {
                return Err(Error::layout(format!(
                    "candidate {} has no column and no ballot lines are listed",
                    c.code
                )));
            }
        } else if let Some(c) = self.candidates.iter().find(|c| c.column.is_some()) {
            return Err(Error::layout(format!(
                "candidate {} has a column, but votes are read per ballot line",
                c.code
            )));
        }
        for (i, e) in self.extra.iter().enumerate() {
            if self.extra[..i].iter().any(|o| o.name == e.name) {
                return Err(Error::layout(format!(
                    "further field {} is named twice",
                    e.name
                )));
            }
        }
        let contest = self.contest().map_err(|e| Error::layout(e.to_string()))?;
        self.geography().map_err(|e| Error::layout(e.to_string()))?;
        // Every rule names fields the sheets will have: a rule over an unknown name would be
        // skipped on every sheet.
        let standard = Field::STANDARD.into_iter().filter_map(Field::standard_name);
        let known: Vec<&str> = standard
            .map(|n| -> &str { n })
            .chain(contest.lines().iter().map(crate::BallotLine::code))
            .chain(self.extra.iter().map(|e| e.name.as_str()))
            .collect();
        if let Some(parts) = &self.parts {
            for name in &parts.repeat {
                if !known.contains(&name.as_str()) || contest.line_index(name).is_some() {
                    return Err(Error::layout(format!(
                        "parts: {name:?} is not a standard or further field (a part repeats a field such as electors)"
                    )));
                }
            }
        }
        for rule in &self.rules {
            rule.check_names(&known)
                .map_err(|e| Error::layout(format!("rules: {e}")))?;
        }
        Ok(())
    }

    /// The contest the layout describes.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for repeated or empty codes, or a line carrying an unknown candidate.
    pub fn contest(&self) -> Result<Contest> {
        let candidates: Vec<Candidate> = self
            .candidates
            .iter()
            .map(|c| Candidate::new(&c.code, &c.name))
            .collect();
        if self.lines.is_empty() {
            Contest::new(&self.contest, candidates)
        } else {
            Contest::with_lines(
                &self.contest,
                candidates,
                self.lines
                    .iter()
                    .map(|l| (l.code.clone(), l.name.clone(), l.candidate.clone())),
            )
        }
    }

    /// An empty geography with the layout's levels.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) for an empty or repeated level name.
    pub fn geography(&self) -> Result<Geography> {
        Geography::new(self.geography.iter().map(|g| g.level.clone()))
    }

    /// The rules the layout's sheets must satisfy: the standard rules and the form's own.
    ///
    /// # Example
    ///
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use actas::io::Layout;
    ///
    /// let layout = Layout::from_json(r#"{
    ///   "contest": "c",
    ///   "key": { "parts": [ { "column": "id" } ] },
    ///   "candidates": [ { "code": "A", "name": "Ana", "column": "A" } ],
    ///   "extra": [ { "name": "received", "column": "R" }, { "name": "cancelled", "column": "X" } ],
    ///   "rules": [ "received >= voters + cancelled" ]
    /// }"#)?;
    /// let rules = layout.rule_set();
    /// assert_eq!(rules.rules().len(), 4);
    /// assert_eq!(rules.rules()[3].to_string(), "received >= voters + cancelled");
    /// // Rules this layout cannot check are marked, with the reason, and not run.
    /// assert_eq!(rules.not_applicable(1), Some("the layout has no column for valid, null, blank, voters"));
    /// # }
    /// # Ok::<(), actas::Error>(())
    /// ```
    ///
    /// A rule is marked not applicable ([`RuleSet::not_applicable`](crate::rules::RuleSet::not_applicable))
    /// when the layout has no column for one of its fields, or when the layout makes it true by
    /// construction (voters derived as valid + null makes `valid + null == voters` hold on every
    /// sheet): such a rule would be skipped, or pass, on every sheet and prove nothing.
    pub fn rule_set(&self) -> crate::rules::RuleSet {
        let mut rules = crate::rules::RuleSet::standard();
        for r in &self.rules {
            rules.push(r.clone());
        }
        let reasons: Vec<Option<String>> = rules
            .rules()
            .iter()
            .map(|r| self.why_not_applicable(r))
            .collect();
        for (k, reason) in reasons.into_iter().enumerate() {
            if let Some(reason) = reason {
                rules.mark_not_applicable(k, reason);
            }
        }
        rules
    }

    /// Why `rule` cannot tell anything on this layout's sheets, if so: a field without a column,
    /// or the rule holding by construction once derived fields are written as their columns.
    fn why_not_applicable(&self, rule: &Rule) -> Option<String> {
        use crate::rules::Term;
        use std::collections::BTreeMap;
        let source_of = |name: &str| -> Option<Option<&Source>> {
            if let Some((_, s)) = self.fields.all().into_iter().find(|(n, _)| *n == name) {
                return Some(s);
            }
            self.extra
                .iter()
                .find(|e| e.name == name)
                .map(|e| Some(&e.column))
        };
        let line_column = |code: &str| -> Option<String> {
            if self.lines.is_empty() {
                self.candidates
                    .iter()
                    .find(|c| c.code == code)
                    .and_then(|c| c.column.clone())
            } else {
                self.lines
                    .iter()
                    .find(|l| l.code == code)
                    .map(|l| l.column.clone())
            }
        };
        let mut missing: Vec<&str> = Vec::new();
        let mut derived: Vec<String> = Vec::new();
        // The rule as a linear form over the CSV's columns: left side minus right side.
        let mut form: BTreeMap<String, i128> = BTreeMap::new();
        let sides = [(rule.lhs(), 1i128), (rule.rhs(), -1i128)];
        for (side, sign) in sides {
            for (coef, term) in side {
                let c = i128::from(*coef) * sign;
                match term {
                    Term::SumOfLines => {
                        for (_, col) in self.line_columns() {
                            *form.entry(col.to_owned()).or_default() += c;
                        }
                    }
                    Term::Named(n) => match source_of(n) {
                        Some(None) => missing.push(n),
                        Some(Some(Source::Column(col))) => {
                            *form.entry(col.clone()).or_default() += c;
                        }
                        Some(Some(Source::Sum { sum })) => {
                            derived.push(format!("{n} is {}", sum.join(" + ")));
                            for col in sum {
                                *form.entry(col.clone()).or_default() += c;
                            }
                        }
                        // A line, or a name the binding will report as unknown.
                        None => match line_column(n) {
                            Some(col) => *form.entry(col).or_default() += c,
                            None => return None,
                        },
                    },
                }
            }
        }
        if !missing.is_empty() {
            missing.dedup();
            return Some(format!(
                "the layout has no column for {}",
                missing.join(", ")
            ));
        }
        if form.values().all(|c| *c == 0) {
            return Some(if derived.is_empty() {
                "true by construction: its two sides are the same columns".to_owned()
            } else {
                format!("true by construction: {}", derived.join(", "))
            });
        }
        None
    }

    /// An empty set of the layout's contest, geography levels, source and further fields.
    pub(crate) fn empty_set(&self) -> Result<crate::ActaSet> {
        let mut set = crate::ActaSet::new(self.contest()?, self.geography()?);
        if let Some(s) = &self.source {
            set = set.with_source(s.clone());
        }
        set.declare_extra(self.extra.iter().map(|e| e.name.as_str()));
        Ok(set)
    }

    /// The columns of the ballot lines, in the contest's line order.
    pub(crate) fn line_columns(&self) -> Vec<(String, &str)> {
        if self.lines.is_empty() {
            self.candidates
                .iter()
                .map(|c| {
                    (
                        format!("candidate {}", c.code),
                        c.column.as_deref().unwrap_or(""),
                    )
                })
                .collect()
        } else {
            self.lines
                .iter()
                .map(|l| (format!("ballot line {}", l.code), l.column.as_str()))
                .collect()
        }
    }
}
