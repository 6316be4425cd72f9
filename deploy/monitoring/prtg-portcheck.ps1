<#
PRTG "EXE/Script Advanced" sensor: checks the connection of the network this
script runs in and prints the result in PRTG's JSON format.

Why a script and not "HTTP Data Advanced": that sensor reads only PRTG's own
JSON format ({"prtg": {"result": [...]}}), and the probe answers with its own
report (GET /api/v1/scan); this script translates one into the other. The
probe checks only the address a request comes from, so the sensor must run on
a PRTG probe inside the practice (a remote probe there), not on a central
core server, which would check the provider's own connection.

Install: copy to "Custom Sensors\EXEXML" under the PRTG probe's program folder,
add an "EXE/Script Advanced" sensor to the practice's device, choose this
script, parameters e.g.  -Url https://portcheck.example.org -ExpectOpen 443
and a scanning interval of 1 hour (the probe rate-limits each address).

Channels: Level (0 ok, 1 notice, 2 warning, 3 critical; limits: warning above
1, error above 2), Open ports, Unexpected open ports, Findings, Duration.
#>
param(
    [string]$Url = "https://portcheck.example.org",
    # Ports the practice forwards on purpose (e.g. 443); they do not count as
    # unexpected. 445 is never expected.
    [int[]]$ExpectOpen = @()
)

$ErrorActionPreference = "Stop"
[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12

function Write-PrtgError([string]$Text) {
    @{ prtg = @{ error = 1; text = $Text } } | ConvertTo-Json -Depth 5
    exit 0
}

if ($ExpectOpen -contains 445) {
    Write-PrtgError "445 (SMB) can never be an expected open port"
}

try {
    $report = Invoke-RestMethod -Uri ($Url.TrimEnd("/") + "/api/v1/scan") `
        -Headers @{ Accept = "application/json" } -TimeoutSec 120 -UseBasicParsing
} catch {
    # 403 (not allowed), 429 (rate limit: the body says how long to wait), 503 (busy).
    $detail = $_.ErrorDetails.Message
    if ($detail) {
        try {
            $body = $detail | ConvertFrom-Json
            $wait = if ($body.error.retry_after_s) { " (retry after $($body.error.retry_after_s) s)" } else { "" }
            Write-PrtgError "portcheck: $($body.error.code): $($body.error.message)$wait"
        } catch { }
    }
    Write-PrtgError "portcheck: no result from $Url : $($_.Exception.Message)"
}

$levels = @{ ok = 0; notice = 1; warning = 2; critical = 3 }
# Range ports (440-449, 80-89) and the control ports beside them.
$open = @(@($report.ports) + @($report.control) | Where-Object { $_.state -eq "open" } | ForEach-Object { $_.port })
$unexpected = @($open | Where-Object { $ExpectOpen -notcontains $_ })
$missing = @($ExpectOpen | Where-Object { $open -notcontains $_ })
$level = $levels[[string]$report.verdict.level]
# An expected port found closed or filtered is at least a warning.
if ($missing.Count -gt 0 -and $level -lt 2) { $level = 2 }

$ids = @($report.verdict.findings | ForEach-Object { $_.id }) -join ", "
$text = "level $($report.verdict.level); open: $(if ($open.Count) { $open -join ' ' } else { 'none' })"
if ($ids) { $text += "; findings: $ids" }
if ($missing.Count) { $text += "; expected but not open: $($missing -join ' ')" }

@{
    prtg = @{
        text   = $text
        result = @(
            @{ channel = "Level"; value = $level; unit = "Custom"; CustomUnit = "level";
               LimitMode = 1; LimitMaxWarning = 1; LimitMaxError = 2 },
            @{ channel = "Open ports"; value = $open.Count; unit = "Count" },
            @{ channel = "Unexpected open ports"; value = $unexpected.Count; unit = "Count" },
            @{ channel = "Findings"; value = @($report.verdict.findings).Count; unit = "Count" },
            @{ channel = "Duration"; value = $report.duration_ms; unit = "TimeResponse" }
        )
    }
} | ConvertTo-Json -Depth 5
