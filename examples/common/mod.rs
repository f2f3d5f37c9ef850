//! What the examples share.

/// `1234567` as `1,234,567`, for the figures the examples print.
pub fn thousands(n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    let (sign, digits) = s.split_at(usize::from(s.starts_with('-')));
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
