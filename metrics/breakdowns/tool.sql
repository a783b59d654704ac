-- The rows of {source} with `locality` replaced by the neglect tool's code, so that an
-- indicator's own SQL, run over them, counts per tool (metrics/runner.py builds
-- ind_<id>__by_tool this way): neglect_tools_completed and neglect_tools_improved by tool,
-- each restricted to that tool's assessments (spec: "also given by tool").
select
    source.* exclude (locality),
    source.tool as locality
from {source} as source
