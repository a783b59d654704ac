"""The pages' and the pack's own table styles (one copy, used by the scorecard table, the
actions table and the pack).

Below 800 px wide (a phone, or a tablet held upright) a table of class ``lscp-responsive``
reads top to bottom: each row a block, each cell labelled with its column (``data-label``),
so nothing needs scrolling sideways.
"""

CSS = """
.lscp-card { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; }
.lscp-card table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.lscp-card caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
.lscp-card th, .lscp-card td { border-bottom: 1px solid #b1b4b6; padding: 0.45rem 0.4rem;
  text-align: left; vertical-align: top; }
.lscp-card th { background: #f3f2f1; }
.lscp-card td.num { text-align: right; font-variant-numeric: tabular-nums; }
.lscp-card td.num strong { white-space: nowrap; }
.lscp-card th[scope=row] { min-width: 12rem; max-width: 20rem; }
.lscp-scroll { overflow-x: auto; }
.lscp-card a { color: #1d70b8; text-decoration: underline; }
.lscp-card a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
.lscp-muted { color: #505a5f; }
.lscp-badge { display: inline-block; padding: 0.1rem 0.4rem; font-weight: bold;
  border-radius: 2px; white-space: nowrap; }
.lscp-rag-green { background: #00703c; color: #ffffff; }
.lscp-manual { background: #4c2c92; color: #ffffff; }
.lscp-rag-amber { background: #ffdd00; color: #0b0c0c; }
.lscp-rag-red { background: #d4351c; color: #ffffff; }
.lscp-better { color: #00703c; font-weight: bold; }
.lscp-worse { color: #d4351c; font-weight: bold; }
.lscp-same, .lscp-context, .lscp-common { color: #505a5f; font-weight: bold; }
.lscp-improvement { color: #1d70b8; font-weight: bold; }
.lscp-concern { color: #b1450c; font-weight: bold; }
.lscp-neutral { color: #4c2c92; font-weight: bold; }
.lscp-icon { display: inline-block; box-sizing: border-box; width: 30px; height: 30px;
  border: 1px solid #0b0c0c; border-radius: 50%; margin-right: 2px; vertical-align: middle;
  text-align: center; line-height: 28px; font: bold 14px Arial, sans-serif; color: #0b0c0c;
  background: #a6a6a6; }
.lscp-icon-improvement, .lscp-icon-consistent_pass { background: #00b0f0; }
.lscp-icon-concern, .lscp-icon-consistent_fail { background: #e46c0a; color: #ffffff; }
.lscp-icon-neutral { background: #490092; color: #ffffff; }
@media screen and (max-width: 800px) {
  .lscp-card table.lscp-responsive, .lscp-responsive tbody, .lscp-responsive tr,
  .lscp-responsive th, .lscp-responsive td { display: block; width: auto; }
  .lscp-responsive thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
  .lscp-responsive tr { border: 1px solid #b1b4b6; margin-bottom: 0.8rem; }
  .lscp-card .lscp-responsive td, .lscp-card .lscp-responsive td.num { text-align: left;
    border-bottom: 0; overflow-wrap: anywhere; }
  .lscp-responsive td::before { content: attr(data-label); display: block; font-weight: bold;
    color: #505a5f; font-size: 0.8rem; }
  .lscp-card .lscp-responsive th[scope=row] { min-width: 0; max-width: none; }
  .lscp-scroll { overflow-x: visible; }
}
"""
