//! The mini-syntax for lists inside one cell: entries separated by `;`, the fields of an entry
//! by `|`, and `\` escaping the next character (`\;`, `\|`, `\\`). Whitespace around fields is
//! ignored, and so are empty entries (a trailing `;` is fine). An empty cell is an empty list.

use super::reason::Reason;

/// Escapes one field so that it can sit between separators.
pub(crate) fn escape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        if matches!(c, '\\' | ';' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Joins entries, each a list of already plain fields, into one cell.
pub(crate) fn join(entries: &[Vec<String>]) -> String {
    entries
        .iter()
        .map(|fields| {
            fields
                .iter()
                .map(|f| escape(f))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Splits a cell into entries of trimmed, unescaped fields.
pub(crate) fn split(cell: &str) -> Result<Vec<Vec<String>>, Reason> {
    let mut entries = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => field.push(next),
                None => {
                    return Err(Reason::new(
                        "the cell ends with a lone backslash; write \\\\ for a backslash",
                        "单元格以单个反斜杠结尾；反斜杠本身应写作 \\\\",
                    ));
                }
            },
            '|' => fields.push(std::mem::take(&mut field).trim().to_owned()),
            ';' => {
                fields.push(std::mem::take(&mut field).trim().to_owned());
                push_entry(&mut entries, std::mem::take(&mut fields));
            }
            other => field.push(other),
        }
    }
    fields.push(field.trim().to_owned());
    push_entry(&mut entries, fields);
    Ok(entries)
}

fn push_entry(entries: &mut Vec<Vec<String>>, fields: Vec<String>) {
    if fields.iter().any(|f| !f.is_empty()) {
        entries.push(fields);
    }
}

/// Splits a cell of single values (`1;2`), rejecting entries with `|`.
pub(crate) fn split_values(cell: &str) -> Result<Vec<String>, Reason> {
    split(cell)?
        .into_iter()
        .enumerate()
        .map(|(i, mut fields)| match fields.len() {
            1 => Ok(fields.pop().unwrap_or_default()),
            _ => Err(Reason::new(
                format!("entry {} must be a single value without |", i + 1),
                format!("第{}项应为单个值，不能含 |", i + 1),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_entries_and_fields_with_whitespace_ignored() {
        let entries = split(" 申请书 | 1 | 0 ; 营业执照|0|1 ;").unwrap();
        assert_eq!(
            entries,
            vec![
                vec!["申请书".to_owned(), "1".to_owned(), "0".to_owned()],
                vec!["营业执照".to_owned(), "0".to_owned(), "1".to_owned()],
            ]
        );
    }

    #[test]
    fn escaped_separators_stay_in_the_field() {
        let entries = split(r"a\;b|c\|d\\").unwrap();
        assert_eq!(entries, vec![vec!["a;b".to_owned(), "c|d\\".to_owned()]]);
    }

    #[test]
    fn empty_cell_is_an_empty_list() {
        assert!(split("").unwrap().is_empty());
        assert!(split(" ; ;").unwrap().is_empty());
    }

    #[test]
    fn lone_trailing_backslash_is_an_error() {
        assert!(split(r"abc\").is_err());
    }

    #[test]
    fn single_values_reject_fields() {
        assert_eq!(split_values("1; 2").unwrap(), vec!["1", "2"]);
        assert!(split_values("1|2").is_err());
    }

    fn field() -> impl Strategy<Value = String> {
        "[a-z食|;\\\\ ]{0,6}[a-z食|;\\\\]"
            .prop_map(|s| s.trim().to_owned())
            .prop_filter("non-empty", |s| !s.is_empty())
    }

    proptest! {
        #[test]
        fn join_then_split_round_trips(
            entries in proptest::collection::vec(proptest::collection::vec(field(), 1..4), 0..4)
        ) {
            prop_assert_eq!(split(&join(&entries)).unwrap(), entries);
        }
    }
}
