// Word lists for KQL, taken from Kusto's grammar (KqlTokens.g4) and the function reference.
// Only lower-case words are keywords: KQL keywords are case-sensitive, so a column named
// `Count` or `Project` stays a plain identifier.

/** Tabular operators: the words that may follow `|`. */
export const tabularOperators = [
  'as', 'consume', 'count', 'distinct', 'evaluate', 'extend', 'facet', 'filter', 'fork',
  'getschema', 'graph-match', 'invoke', 'join', 'limit', 'lookup', 'make-graph', 'make-series',
  'mv-apply', 'mv-expand', 'order', 'parse', 'parse-kv', 'parse-where', 'partition', 'project',
  'project-away', 'project-keep', 'project-rename', 'project-reorder', 'reduce', 'render',
  'sample', 'sample-distinct', 'scan', 'search', 'serialize', 'sort', 'summarize', 'take', 'top',
  'top-hitters', 'top-nested', 'union', 'where'
] as const

/** Operators offered after `|`, in the order an analyst reaches for them. */
export const pipeCompletions: { label: string; detail: string }[] = [
  { label: 'where', detail: 'keep rows matching a predicate' },
  { label: 'project', detail: 'select and rename columns' },
  { label: 'extend', detail: 'add calculated columns' },
  { label: 'summarize', detail: 'aggregate rows into groups' },
  { label: 'take', detail: 'return up to N rows' },
  { label: 'limit', detail: 'return up to N rows' },
  { label: 'top', detail: 'first N rows by an expression' },
  { label: 'order by', detail: 'sort rows' },
  { label: 'sort by', detail: 'sort rows' },
  { label: 'count', detail: 'count the rows' },
  { label: 'distinct', detail: 'distinct combinations of columns' },
  { label: 'join', detail: 'merge rows of two tables' },
  { label: 'lookup', detail: 'extend with values from a dimension table' },
  { label: 'union', detail: 'rows of several tables' },
  { label: 'parse', detail: 'extract columns from a string' },
  { label: 'parse-where', detail: 'parse, dropping rows that do not match' },
  { label: 'parse-kv', detail: 'extract key/value pairs' },
  { label: 'mv-expand', detail: 'one row per array element' },
  { label: 'mv-apply', detail: 'apply a subquery to each array' },
  { label: 'make-series', detail: 'time series of aggregates' },
  { label: 'project-away', detail: 'drop columns' },
  { label: 'project-keep', detail: 'keep columns' },
  { label: 'project-rename', detail: 'rename columns' },
  { label: 'project-reorder', detail: 'reorder columns' },
  { label: 'render', detail: 'show the result as a chart' },
  { label: 'evaluate', detail: 'invoke a plugin' },
  { label: 'sample', detail: 'N random rows' },
  { label: 'search', detail: 'search text across columns' },
  { label: 'serialize', detail: 'mark the row order as stable' },
  { label: 'getschema', detail: 'the schema of the input' },
  { label: 'top-nested', detail: 'hierarchical top results' },
  { label: 'as', detail: 'name the tabular expression' },
  { label: 'invoke', detail: 'call a tabular function' },
  { label: 'scan', detail: 'scan with a state machine' }
]

/** Words that begin a statement. */
export const statementKeywords = [
  'let', 'set', 'declare', 'query_parameters', 'alias', 'pattern', 'restrict', 'print', 'range',
  'datatable', 'externaldata', 'find', 'materialize', 'view'
] as const

/** Other reserved words used inside operators. */
export const otherKeywords = [
  'by', 'on', 'kind', 'with', 'withsource', 'asc', 'desc', 'nulls', 'first', 'last', 'step',
  'from', 'to', 'of', 'inner', 'outer', 'innerunique', 'leftouter', 'rightouter', 'fullouter',
  'leftanti', 'rightanti', 'leftsemi', 'rightsemi', 'leftantisemi', 'rightantisemi', 'anti',
  'semi', 'isfuzzy', 'bagexpansion', 'with_itemindex', 'typeof', 'regex', 'simple', 'relaxed',
  'default', 'access', 'title', 'xtitle', 'ytitle', 'xcolumn', 'ycolumns', 'series',
  'timechart', 'columnchart', 'barchart', 'piechart', 'areachart', 'linechart', 'scatterchart',
  'table', 'timepivot', 'ladderchart', 'card'
] as const

/** Word operators used in predicates, with their negated and case-sensitive forms. */
export const wordOperators = [
  'and', 'or', 'has', 'has_cs', 'hasprefix', 'hasprefix_cs', 'hassuffix', 'hassuffix_cs',
  'contains', 'contains_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs',
  'matches', 'in', 'in~', 'has_any', 'has_all', 'between', 'like', 'notlike'
] as const

/** Word operators that accept a leading `!`. */
export const negatableOperators = new Set([
  'has', 'has_cs', 'hasprefix', 'hasprefix_cs', 'hassuffix', 'hassuffix_cs', 'contains',
  'contains_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs', 'in', 'in~',
  'between'
])

/** Predicate operators offered after a column in `where`, most used first. */
export const predicateCompletions: { label: string; detail: string }[] = [
  { label: '==', detail: 'equals (case-sensitive)' },
  { label: '!=', detail: 'not equal' },
  { label: '=~', detail: 'equals (case-insensitive)' },
  { label: '!~', detail: 'not equal (case-insensitive)' },
  { label: 'has', detail: 'contains the whole term' },
  { label: '!has', detail: 'does not contain the term' },
  { label: 'has_any', detail: 'has any of the terms' },
  { label: 'has_all', detail: 'has all of the terms' },
  { label: 'contains', detail: 'contains the substring' },
  { label: '!contains', detail: 'does not contain the substring' },
  { label: 'startswith', detail: 'starts with' },
  { label: 'endswith', detail: 'ends with' },
  { label: 'in', detail: 'equals one of (case-sensitive)' },
  { label: '!in', detail: 'equals none of' },
  { label: 'in~', detail: 'equals one of (case-insensitive)' },
  { label: 'matches regex', detail: 'matches a regular expression' },
  { label: 'between', detail: 'within an inclusive range' },
  { label: 'and', detail: 'both conditions' },
  { label: 'or', detail: 'either condition' }
]

export const scalarTypes = [
  'bool', 'boolean', 'datetime', 'date', 'decimal', 'double', 'dynamic', 'guid', 'int', 'long',
  'real', 'string', 'time', 'timespan'
] as const

export const atoms = ['true', 'false', 'null'] as const

/** Aggregation functions (valid in summarize, make-series, top-nested). */
export const aggregateFunctions: Record<string, string> = {
  count: 'count()',
  countif: 'countif(predicate)',
  dcount: 'dcount(expr [, accuracy])',
  dcountif: 'dcountif(expr, predicate)',
  sum: 'sum(expr)',
  sumif: 'sumif(expr, predicate)',
  avg: 'avg(expr)',
  avgif: 'avgif(expr, predicate)',
  min: 'min(expr)',
  max: 'max(expr)',
  minif: 'minif(expr, predicate)',
  maxif: 'maxif(expr, predicate)',
  arg_max: 'arg_max(expr, col, ...) — the row with the largest expr',
  arg_min: 'arg_min(expr, col, ...) — the row with the smallest expr',
  make_set: 'make_set(expr [, max]) — array of distinct values',
  make_set_if: 'make_set_if(expr, predicate [, max])',
  make_list: 'make_list(expr [, max]) — array of all values',
  make_list_if: 'make_list_if(expr, predicate [, max])',
  make_bag: 'make_bag(dynamic [, max]) — merged property bag',
  make_bag_if: 'make_bag_if(dynamic, predicate [, max])',
  percentile: 'percentile(expr, p)',
  percentiles: 'percentiles(expr, p1, ...)',
  stdev: 'stdev(expr)',
  variance: 'variance(expr)',
  take_any: 'take_any(expr, ...) — an arbitrary value',
  take_anyif: 'take_anyif(expr, predicate)',
  any: 'any(expr, ...) — deprecated alias of take_any',
  count_distinct: 'count_distinct(expr) — exact distinct count',
  count_distinctif: 'count_distinctif(expr, predicate)',
  hll: 'hll(expr)',
  hll_merge: 'hll_merge(hll, ...)',
  tdigest: 'tdigest(expr)'
}

/** Scalar functions, with a one-line signature shown in completion. */
export const scalarFunctions: Record<string, string> = {
  ago: 'ago(timespan) — now minus the timespan',
  now: 'now([offset]) — the current UTC time',
  datetime: 'datetime(2024-01-31T12:00:00Z) — datetime literal',
  todatetime: 'todatetime(value)',
  bin: 'bin(value, roundTo) — round down to a multiple',
  floor: 'floor(value, roundTo)',
  startofday: 'startofday(date)',
  startofweek: 'startofweek(date)',
  startofmonth: 'startofmonth(date)',
  endofday: 'endofday(date)',
  datetime_diff: "datetime_diff('part', a, b)",
  datetime_add: "datetime_add('part', amount, date)",
  datetime_part: "datetime_part('part', date)",
  format_datetime: "format_datetime(date, 'yyyy-MM-dd')",
  format_timespan: "format_timespan(span, 'hh:mm')",
  dayofweek: 'dayofweek(date)',
  hourofday: 'hourofday(date)',
  unixtime_seconds_todatetime: 'unixtime_seconds_todatetime(seconds)',
  unixtime_milliseconds_todatetime: 'unixtime_milliseconds_todatetime(ms)',
  totimespan: 'totimespan(value)',
  strcat: 'strcat(a, b, ...)',
  strcat_delim: 'strcat_delim(delimiter, a, b, ...)',
  strlen: 'strlen(text)',
  substring: 'substring(text, start [, length])',
  tolower: 'tolower(text)',
  toupper: 'toupper(text)',
  trim: 'trim(regex, text)',
  split: 'split(text, delimiter [, index])',
  replace_string: 'replace_string(text, lookup, rewrite)',
  replace_regex: 'replace_regex(text, regex, rewrite)',
  extract: 'extract(regex, group, text)',
  extract_all: 'extract_all(regex, text)',
  indexof: 'indexof(text, lookup)',
  countof: 'countof(text, search)',
  reverse: 'reverse(text)',
  tostring: 'tostring(value)',
  toint: 'toint(value)',
  tolong: 'tolong(value)',
  todouble: 'todouble(value)',
  toreal: 'toreal(value)',
  tobool: 'tobool(value)',
  toguid: 'toguid(value)',
  todecimal: 'todecimal(value)',
  todynamic: 'todynamic(json)',
  parse_json: 'parse_json(json) — dynamic from a JSON string',
  parse_url: 'parse_url(url)',
  parse_path: 'parse_path(path)',
  parse_command_line: "parse_command_line(cmd, 'windows')",
  parse_ipv4: 'parse_ipv4(ip)',
  ipv4_is_private: 'ipv4_is_private(ip)',
  ipv4_is_in_range: "ipv4_is_in_range(ip, '10.0.0.0/8')",
  ipv4_is_match: 'ipv4_is_match(ip1, ip2 [, prefix])',
  ipv6_compare: 'ipv6_compare(ip1, ip2 [, prefix])',
  geo_info_from_ip_address: 'geo_info_from_ip_address(ip)',
  iff: 'iff(predicate, ifTrue, ifFalse)',
  iif: 'iif(predicate, ifTrue, ifFalse)',
  case: 'case(pred1, then1, ..., else)',
  coalesce: 'coalesce(a, b, ...) — first non-empty value',
  isempty: 'isempty(value) — null or empty string',
  isnotempty: 'isnotempty(value)',
  isnull: 'isnull(value)',
  isnotnull: 'isnotnull(value)',
  not: 'not(predicate)',
  array_length: 'array_length(array)',
  array_concat: 'array_concat(a, b, ...)',
  array_slice: 'array_slice(array, start, end)',
  array_index_of: 'array_index_of(array, value)',
  set_has_element: 'set_has_element(array, value)',
  set_union: 'set_union(a, b, ...)',
  set_intersect: 'set_intersect(a, b, ...)',
  set_difference: 'set_difference(a, b, ...)',
  bag_keys: 'bag_keys(bag)',
  bag_pack: 'bag_pack(key1, value1, ...)',
  pack: 'pack(key1, value1, ...)',
  pack_array: 'pack_array(a, b, ...)',
  bag_merge: 'bag_merge(bag1, bag2, ...)',
  bag_remove_keys: 'bag_remove_keys(bag, keys)',
  base64_decode_tostring: 'base64_decode_tostring(text)',
  base64_encode_tostring: 'base64_encode_tostring(text)',
  url_decode: 'url_decode(text)',
  url_encode: 'url_encode(text)',
  hash_sha256: 'hash_sha256(value)',
  hash_md5: 'hash_md5(value)',
  gettype: 'gettype(value)',
  column_ifexists: 'column_ifexists(name, default)',
  toscalar: 'toscalar(query)',
  materialize: 'materialize(query)',
  round: 'round(value [, precision])',
  abs: 'abs(value)',
  log10: 'log10(value)',
  pow: 'pow(base, exponent)',
  row_number: 'row_number([start])',
  prev: 'prev(column [, offset])',
  next: 'next(column [, offset])',
  make_datetime: 'make_datetime(year, month, day, ...)',
  make_timespan: 'make_timespan(hours, minutes, ...)',
  series_decompose_anomalies: 'series_decompose_anomalies(series [, threshold])'
}

/** Units allowed after a number to form a timespan literal (7d, 1h, 30min, 100ms). */
export const timespanUnits = [
  'days', 'day', 'd', 'hours', 'hour', 'hrs', 'hr', 'h', 'minutes', 'minute', 'min', 'm',
  'seconds', 'second', 'sec', 's', 'milliseconds', 'millisecond', 'milli', 'ms',
  'microseconds', 'microsecond', 'micro', 'ticks', 'tick', 'nanoseconds', 'nanosecond', 'nano'
]
