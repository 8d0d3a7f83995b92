{{/* Names, labels and small values shared by every template of the Fieldline chart. */}}

{{- define "fieldline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-fieldline, or just the release name when it already contains the chart name. */}}
{{- define "fieldline.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fieldline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of one service's objects. Call with (dict "root" $ "name" "accounts"). */}}
{{- define "fieldline.componentName" -}}
{{- printf "%s-%s" (include "fieldline.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object of this release carries. */}}
{{- define "fieldline.commonLabels" -}}
helm.sh/chart: {{ include "fieldline.chart" . }}
app.kubernetes.io/name: {{ include "fieldline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fieldline
{{- end }}

{{/* Labels of one service's objects. Call with (dict "root" $ "name" "accounts"). */}}
{{- define "fieldline.labels" -}}
{{ include "fieldline.commonLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* The stable subset that selects one service's pods (never add version here: selectors are immutable). */}}
{{- define "fieldline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fieldline.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "fieldline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fieldline.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fieldline.secretName" -}}
{{- default (printf "%s-secrets" (include "fieldline.fullname" .)) .Values.existingSecret }}
{{- end }}

{{- define "fieldline.configMapName" -}}
{{- printf "%s-config" (include "fieldline.fullname" .) }}
{{- end }}

{{/* repository:tag, the tag defaulting to appVersion. Call with (dict "root" $ "svc" $svc). */}}
{{- define "fieldline.image" -}}
{{- printf "%s:%s" .svc.image.repository (default .root.Chart.AppVersion .svc.image.tag) }}
{{- end }}

{{/* accounts → ACCOUNTS, for variable names like FIELDLINE_ACCOUNTS_ADDR. */}}
{{- define "fieldline.envName" -}}
{{- . | upper | replace "-" "_" }}
{{- end }}
