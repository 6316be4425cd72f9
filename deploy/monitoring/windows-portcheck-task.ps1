<#
Daily check of this network's internet connection on Windows, for practices
without a Linux machine: asks the probe (Invoke-RestMethod, GET /api/v1/scan),
writes the result with the ports that opened or closed since the previous run
to the Windows event log (Application, source "portcheck") and to a log file,
and keeps the report for the next comparison.

The probe checks only the address a request comes from, so this runs on a PC
or server inside the practice.

Register as a scheduled task (PowerShell as administrator; runs daily at
07:30 as SYSTEM):

    .\windows-portcheck-task.ps1 -Register -Url https://portcheck.example.org -ExpectOpen 443

Event IDs: 1000 ok, 1001 notice, 1002 warning, 1003 critical (warning or
error entries), 1010 no result (probe unreachable, 403, 429, 503).
#>
param(
    [string]$Url = "https://portcheck.example.org",
    [int[]]$ExpectOpen = @(),
    [string]$StateDir = (Join-Path $env:ProgramData "portcheck"),
    [switch]$Register
)

$ErrorActionPreference = "Stop"

if ($Register) {
    $arguments = "-NoProfile -ExecutionPolicy Bypass -File `"$PSCommandPath`" -Url `"$Url`""
    if ($ExpectOpen.Count) { $arguments += " -ExpectOpen " + ($ExpectOpen -join ",") }
    $action = New-ScheduledTaskAction -Execute "powershell.exe" -Argument $arguments
    $trigger = New-ScheduledTaskTrigger -Daily -At "07:30"
    $settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -ExecutionTimeLimit (New-TimeSpan -Minutes 10)
    Register-ScheduledTask -TaskName "portcheck" -Action $action -Trigger $trigger `
        -Settings $settings -User "SYSTEM" -RunLevel Highest -Force | Out-Null
    Write-Output "Scheduled task 'portcheck' registered (daily 07:30)."
    exit 0
}

[Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
New-Item -ItemType Directory -Force -Path $StateDir | Out-Null
$last = Join-Path $StateDir "last.json"
$logFile = Join-Path $StateDir "portcheck.log"
if (-not [Diagnostics.EventLog]::SourceExists("portcheck")) {
    New-EventLog -LogName Application -Source "portcheck"
}

function Write-Result([int]$EventId, [string]$Type, [string]$Text) {
    Write-EventLog -LogName Application -Source "portcheck" -EventId $EventId -EntryType $Type -Message $Text
    Add-Content -Path $logFile -Value ("{0:u} {1}" -f (Get-Date), ($Text -replace "`r?`n", " | "))
    Write-Output $Text
}

try {
    $report = Invoke-RestMethod -Uri ($Url.TrimEnd("/") + "/api/v1/scan") `
        -Headers @{ Accept = "application/json" } -TimeoutSec 120 -UseBasicParsing
} catch {
    $why = $_.Exception.Message
    if ($_.ErrorDetails.Message) {
        try {
            $body = $_.ErrorDetails.Message | ConvertFrom-Json
            $why = "$($body.error.code): $($body.error.message)"
            if ($body.error.retry_after_s) { $why += " (retry after $($body.error.retry_after_s) s)" }
        } catch { }
    }
    Write-Result 1010 "Warning" "portcheck: no result from $Url : $why"
    exit 3
}

# Range ports (440-449, 80-89) and the control ports beside them.
$open = @(@($report.ports) + @($report.control) | Where-Object { $_.state -eq "open" } | ForEach-Object { $_.port })
$lines = @("portcheck: level $($report.verdict.level) for $($report.target.ip)")
$lines += "open: " + $(if ($open.Count) { $open -join " " } else { "none" })
foreach ($finding in $report.verdict.findings) {
    $lines += "$($finding.severity): $($finding.id) ($($finding.ports -join ' '))"
}
$missing = @($ExpectOpen | Where-Object { $open -notcontains $_ })
if ($missing.Count) { $lines += "expected open but not: $($missing -join ' ')" }

if (Test-Path $last) {
    $before = Get-Content -Raw -Path $last | ConvertFrom-Json
    $wasOpen = @(@($before.ports) + @($before.control) | Where-Object { $_.state -eq "open" } | ForEach-Object { $_.port })
    $opened = @($open | Where-Object { $wasOpen -notcontains $_ })
    $closed = @($wasOpen | Where-Object { $open -notcontains $_ })
    if ($opened.Count) { $lines += "opened since $($before.started_at): $($opened -join ' ')" }
    if ($closed.Count) { $lines += "closed since $($before.started_at): $($closed -join ' ')" }
    if (-not ($opened.Count -or $closed.Count)) { $lines += "no change since $($before.started_at)" }
}
$report | ConvertTo-Json -Depth 10 | Set-Content -Path $last -Encoding UTF8

$ids = @{ ok = 1000; notice = 1001; warning = 1002; critical = 1003 }
$level = [string]$report.verdict.level
$type = if ($level -eq "critical") { "Error" }
        elseif ($level -eq "warning" -or $missing.Count) { "Warning" }
        else { "Information" }
Write-Result $ids[$level] $type ($lines -join "`r`n")
exit 0
