{{/* The chart's name, or nameOverride. */}}
{{- define "motcua.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-wide name: fullnameOverride, else "motcua" for a release named motcua, else
     "<release>-motcua" (the chart's name or nameOverride). */}}
{{- define "motcua.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "motcua.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The ServiceAccount every pod runs as. */}}
{{- define "motcua.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "motcua.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Path under the Ingress of one service: "<pathPrefix>/<service>". Call with (dict "root" $ "name" "intake"). */}}
{{- define "motcua.ingressPath" -}}
{{- printf "%s/%s" (trimSuffix "/" .root.Values.ingress.pathPrefix) .name -}}
{{- end -}}

{{/* Topology spread of one component's pods. Call with (dict "root" $ "name" "intake"). */}}
{{- define "motcua.topologySpread" -}}
{{- $ctx := . }}
{{- with .root.Values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- range . }}
  - maxSkew: {{ .maxSkew }}
    topologyKey: {{ .topologyKey }}
    whenUnsatisfiable: {{ .whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "motcua.componentSelectorLabels" $ctx | nindent 8 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Name of one service's objects: "<fullname>-<service>". Call with (dict "root" $ "name" "intake"). */}}
{{- define "motcua.serviceName" -}}
{{- printf "%s-%s" (include "motcua.fullname" .root) .name -}}
{{- end -}}

{{- define "motcua.selectorLabels" -}}
app.kubernetes.io/name: {{ include "motcua.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "motcua.labels" -}}
{{ include "motcua.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: motcua
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of one service's objects. Call with (dict "root" $ "name" "intake"). */}}
{{- define "motcua.componentLabels" -}}
{{ include "motcua.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "motcua.componentSelectorLabels" -}}
{{ include "motcua.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Image of one service. Call with (dict "root" $ "name" "intake"). */}}
{{- define "motcua.image" -}}
{{- $image := .root.Values.image -}}
{{- printf "%s/%s:%s" $image.repository .name (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}

{{/* ConfigMap and Secret names. Hook copies for the provisioning Job carry a "-provision" suffix
     because hooks run before the release's own objects exist. Call with (dict "root" $ "hook" bool). */}}
{{- define "motcua.configName" -}}
{{- include "motcua.fullname" .root }}-config{{ if .hook }}-provision{{ end -}}
{{- end -}}

{{- define "motcua.secretName" -}}
{{- if .root.Values.secret.existingSecret -}}
{{- .root.Values.secret.existingSecret -}}
{{- else -}}
{{- include "motcua.fullname" .root }}-secret{{ if .hook }}-provision{{ end -}}
{{- end -}}
{{- end -}}

{{/* Hooks run before every install and upgrade. Settings copies go once the Job has succeeded;
     the Job itself stays until the next upgrade so its logs can be read. Call with
     (dict "weight" N) or (dict "weight" N "job" true). */}}
{{- define "motcua.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
{{- if .job }}
helm.sh/hook-delete-policy: before-hook-creation
helm.sh/hook-output-log-policy: hook-failed
{{- else }}
helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}
{{- end -}}

{{/* The settings every service and the provisioning Job read. */}}
{{- define "motcua.configData" -}}
{{- $c := .Values.config -}}
MOTCUA_KAFKA_BOOTSTRAP: {{ required "kafka.bootstrap is required" .Values.kafka.bootstrap | quote }}
MOTCUA_HTTP_HOST: "0.0.0.0"
MOTCUA_SIMULATION: "0"
MOTCUA_DEMO_DATA: {{ ternary "1" "0" (default false $c.demoData) | quote }}
MOTCUA_LOG_LEVEL: {{ $c.logLevel | quote }}
MOTCUA_TOPIC_PARTITIONS: {{ .Values.topics.partitions | quote }}
MOTCUA_TOPIC_REPLICATION: {{ .Values.topics.replication | quote }}
{{- if $c.oidc.jwksUrl }}
MOTCUA_OIDC_JWKS_URL: {{ $c.oidc.jwksUrl | quote }}
MOTCUA_OIDC_ISSUER: {{ required "config.oidc.issuer is required with config.oidc.jwksUrl" $c.oidc.issuer | quote }}
MOTCUA_OIDC_AUDIENCE: {{ required "config.oidc.audience is required with config.oidc.jwksUrl" $c.oidc.audience | quote }}
{{- end }}
{{- range $k, $v := $c.extraEnv }}
{{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{- define "motcua.secretData" -}}
{{- $s := .Values.secret -}}
MOTCUA_MONGO_URL: {{ required "secret.mongoUrl is required (or set secret.existingSecret)" $s.mongoUrl | b64enc | quote }}
MOTCUA_PSEUDONYM_KEY: {{ required "secret.pseudonymKey is required (or set secret.existingSecret)" $s.pseudonymKey | b64enc | quote }}
{{- $kiosk := required "secret.kioskKey is required (or set secret.existingSecret)" $s.kioskKey }}
{{- if lt (len $kiosk) 16 }}
{{- fail "secret.kioskKey must be at least 16 bytes" }}
{{- end }}
MOTCUA_KIOSK_KEY: {{ $kiosk | b64enc | quote }}
{{- if $s.jwtSecret }}
MOTCUA_JWT_SECRET: {{ $s.jwtSecret | b64enc | quote }}
{{- else if not .Values.config.oidc.jwksUrl }}
{{- fail "set config.oidc.jwksUrl (production) or secret.jwtSecret (development tokens)" }}
{{- end }}
{{- end -}}

{{/* Environment of a container: the ConfigMap and the Secret. Call with (dict "root" $ "hook" bool). */}}
{{- define "motcua.envFrom" -}}
- configMapRef:
    name: {{ include "motcua.configName" . }}
- secretRef:
    name: {{ include "motcua.secretName" . }}
{{- end -}}

{{- define "motcua.podSecurity" -}}
serviceAccountName: {{ include "motcua.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
