// Command k8svalidate checks rendered Kubernetes manifests (the output of `helm template`)
// without a cluster and without downloading schemas.
//
// Every document is decoded strictly into the real Go API types (k8s.io/api and the Prometheus
// Operator's monitoring/v1): an unknown kind, an unknown or duplicated field, or a value of the
// wrong type fails. Then the objects are checked against each other and against the project's
// deployment policy: names and labels are valid, selectors select something, probes and service
// ports name real container ports, references to ConfigMaps and Secrets resolve, every container
// has resource requests and runs as non-root.
//
// Usage: k8svalidate [-exists Kind/name]... [FILE...]   (no FILE or "-" reads standard input)
//
// -exists declares an object that the manifests reference but that lives in the cluster already,
// such as a Secret created by the operators (secret.existingSecret in the chart).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// object is one decoded manifest with where it came from.
type object struct {
	source string // the "# Source:" comment helm writes, or file:index
	obj    runtime.Object
	meta   metav1.Object
	kind   string
}

// workload is a pod template with the object that owns it.
type workload struct {
	owner *object
	spec  *corev1.PodTemplateSpec
}

type checker struct {
	objects  []*object
	existing map[string]bool // "Kind/name" of objects outside the manifests
	errs     []string
}

func (c *checker) fail(o *object, format string, args ...any) {
	where := "?"
	if o != nil {
		where = fmt.Sprintf("%s %s (%s)", o.kind, o.meta.GetName(), o.source)
	}
	c.errs = append(c.errs, where+": "+fmt.Sprintf(format, args...))
}

func newDecoder() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, autoscalingv2.AddToScheme,
		policyv1.AddToScheme, networkingv1.AddToScheme, rbacv1.AddToScheme, monitoringv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})
}

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

func (c *checker) read(name string, r io.Reader, dec runtime.Decoder) {
	docs := kyaml.NewYAMLReader(bufio.NewReader(r))
	for i := 0; ; i++ {
		doc, err := docs.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			c.errs = append(c.errs, fmt.Sprintf("%s: document %d: %v", name, i, err))
			return
		}
		source := fmt.Sprintf("%s#%d", name, i)
		if m := sourceComment.FindSubmatch(doc); m != nil {
			source = string(m[1])
		}
		if isEmpty(doc) {
			continue
		}
		obj, gvk, err := dec.Decode(doc, nil, nil)
		if err != nil {
			c.errs = append(c.errs, fmt.Sprintf("%s: %v", source, err))
			continue
		}
		accessor, ok := obj.(metav1.Object)
		if !ok {
			c.errs = append(c.errs, fmt.Sprintf("%s: %s has no object metadata", source, gvk))
			continue
		}
		c.objects = append(c.objects, &object{source: source, obj: obj, meta: accessor, kind: gvk.Kind})
	}
}

func isEmpty(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("---")) {
			return false
		}
	}
	return true
}

func (c *checker) checkMetadata(o *object) {
	if o.meta.GetName() == "" {
		c.fail(o, "metadata.name is empty")
	}
	for _, msg := range validation.IsDNS1123Subdomain(o.meta.GetName()) {
		c.fail(o, "metadata.name: %s", msg)
	}
	for _, set := range []map[string]string{o.meta.GetLabels(), o.meta.GetAnnotations()} {
		for k := range set {
			for _, msg := range validation.IsQualifiedName(k) {
				c.fail(o, "label/annotation key %q: %s", k, msg)
			}
		}
	}
	for k, v := range o.meta.GetLabels() {
		for _, msg := range validation.IsValidLabelValue(v) {
			c.fail(o, "label %s=%q: %s", k, v, msg)
		}
	}
}

func (c *checker) workloads() []workload {
	var out []workload
	for _, o := range c.objects {
		switch t := o.obj.(type) {
		case *appsv1.Deployment:
			out = append(out, workload{o, &t.Spec.Template})
		case *appsv1.StatefulSet:
			out = append(out, workload{o, &t.Spec.Template})
		case *appsv1.DaemonSet:
			out = append(out, workload{o, &t.Spec.Template})
		case *batchv1.Job:
			out = append(out, workload{o, &t.Spec.Template})
		}
	}
	return out
}

func (c *checker) find(kind, namespace, name string) *object {
	for _, o := range c.objects {
		if o.kind == kind && o.meta.GetName() == name && o.meta.GetNamespace() == namespace {
			return o
		}
	}
	return nil
}

// selected returns the workloads in namespace whose pod labels the selector matches.
func (c *checker) selected(o *object, namespace string, sel labels.Selector) []workload {
	var out []workload
	for _, w := range c.workloads() {
		if w.owner.meta.GetNamespace() == namespace && sel.Matches(labels.Set(w.spec.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

func (c *checker) labelSelector(o *object, what string, s *metav1.LabelSelector) labels.Selector {
	if s == nil {
		c.fail(o, "%s is missing", what)
		return labels.Nothing()
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		c.fail(o, "%s: %v", what, err)
		return labels.Nothing()
	}
	return sel
}

func hasPort(containers []corev1.Container, port intstr.IntOrString) bool {
	for _, ct := range containers {
		for _, p := range ct.Ports {
			if (port.Type == intstr.String && p.Name == port.StrVal) ||
				(port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
				return true
			}
		}
	}
	return false
}

func (c *checker) checkProbe(o *object, ct corev1.Container, name string, p *corev1.Probe) {
	if p == nil {
		return
	}
	if p.HTTPGet != nil && !hasPort([]corev1.Container{ct}, p.HTTPGet.Port) {
		c.fail(o, "container %s: %s probe port %s is not a container port", ct.Name, name, p.HTTPGet.Port.String())
	}
}

func (c *checker) checkKeyRef(o *object, ns, kind, name, key string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	ref := c.find(kind, ns, name)
	if ref == nil {
		if !c.existing[kind+"/"+name] {
			c.fail(o, "references %s %q, which is neither rendered nor declared with -exists", kind, name)
		}
		return
	}
	if key == "" {
		return
	}
	switch t := ref.obj.(type) {
	case *corev1.ConfigMap:
		if _, ok := t.Data[key]; !ok {
			c.fail(o, "ConfigMap %s has no key %q", name, key)
		}
	case *corev1.Secret:
		_, inData := t.Data[key]
		_, inString := t.StringData[key]
		if !inData && !inString {
			c.fail(o, "Secret %s has no key %q", name, key)
		}
	}
}

func (c *checker) checkPodTemplate(w workload, policy bool) {
	o, spec, ns := w.owner, &w.spec.Spec, w.owner.meta.GetNamespace()
	if len(spec.Containers) == 0 {
		c.fail(o, "pod template has no containers")
	}
	if policy && (spec.SecurityContext == nil || spec.SecurityContext.RunAsNonRoot == nil || !*spec.SecurityContext.RunAsNonRoot) {
		c.fail(o, "pod securityContext.runAsNonRoot must be true")
	}
	for _, ct := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		for _, msg := range validation.IsDNS1123Label(ct.Name) {
			c.fail(o, "container name %q: %s", ct.Name, msg)
		}
		if ct.Image == "" {
			c.fail(o, "container %s has no image", ct.Name)
		}
		if policy {
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if _, ok := ct.Resources.Requests[r]; !ok {
					c.fail(o, "container %s has no %s request", ct.Name, r)
				}
			}
			if _, ok := ct.Resources.Limits[corev1.ResourceMemory]; !ok {
				c.fail(o, "container %s has no memory limit", ct.Name)
			}
			sc := ct.SecurityContext
			if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				c.fail(o, "container %s must set allowPrivilegeEscalation: false", ct.Name)
			}
		}
		for name, p := range map[string]*corev1.Probe{"liveness": ct.LivenessProbe, "readiness": ct.ReadinessProbe, "startup": ct.StartupProbe} {
			c.checkProbe(o, ct, name, p)
		}
		for _, e := range ct.Env {
			for _, msg := range validation.IsEnvVarName(e.Name) {
				c.fail(o, "container %s env %q: %s", ct.Name, e.Name, msg)
			}
			if e.ValueFrom == nil {
				continue
			}
			if r := e.ValueFrom.SecretKeyRef; r != nil {
				c.checkKeyRef(o, ns, "Secret", r.Name, r.Key, r.Optional)
			}
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
				c.checkKeyRef(o, ns, "ConfigMap", r.Name, r.Key, r.Optional)
			}
		}
		for _, src := range ct.EnvFrom {
			if r := src.SecretRef; r != nil {
				c.checkKeyRef(o, ns, "Secret", r.Name, "", r.Optional)
			}
			if r := src.ConfigMapRef; r != nil {
				c.checkKeyRef(o, ns, "ConfigMap", r.Name, "", r.Optional)
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil {
			c.checkKeyRef(o, ns, "ConfigMap", v.ConfigMap.Name, "", v.ConfigMap.Optional)
		}
		if v.Secret != nil {
			c.checkKeyRef(o, ns, "Secret", v.Secret.SecretName, "", v.Secret.Optional)
		}
	}
}

func (c *checker) check() {
	for _, o := range c.objects {
		c.checkMetadata(o)
	}
	for _, w := range c.workloads() {
		c.checkPodTemplate(w, true)
	}
	for _, o := range c.objects {
		ns := o.meta.GetNamespace()
		switch t := o.obj.(type) {
		case *appsv1.Deployment:
			sel := c.labelSelector(o, "spec.selector", t.Spec.Selector)
			if !sel.Matches(labels.Set(t.Spec.Template.Labels)) {
				c.fail(o, "spec.selector does not match the pod template labels")
			}
		case *batchv1.Job:
			if p := t.Spec.Template.Spec.RestartPolicy; p != corev1.RestartPolicyNever && p != corev1.RestartPolicyOnFailure {
				c.fail(o, "a Job's restartPolicy must be Never or OnFailure, not %q", p)
			}
		case *corev1.Service:
			if len(t.Spec.Selector) == 0 {
				continue
			}
			pods := c.selected(o, ns, labels.SelectorFromSet(t.Spec.Selector))
			if len(pods) == 0 {
				c.fail(o, "selector %v selects no rendered workload", t.Spec.Selector)
			}
			for _, p := range t.Spec.Ports {
				for _, w := range pods {
					if p.TargetPort.Type == intstr.String && !hasPort(w.spec.Spec.Containers, p.TargetPort) {
						c.fail(o, "targetPort %q is not a port of %s", p.TargetPort.StrVal, w.owner.meta.GetName())
					}
				}
			}
		case *autoscalingv2.HorizontalPodAutoscaler:
			ref := t.Spec.ScaleTargetRef
			target := c.find(ref.Kind, ns, ref.Name)
			if target == nil {
				c.fail(o, "scaleTargetRef %s/%s is not rendered", ref.Kind, ref.Name)
			}
			if t.Spec.MinReplicas != nil && *t.Spec.MinReplicas > t.Spec.MaxReplicas {
				c.fail(o, "minReplicas %d > maxReplicas %d", *t.Spec.MinReplicas, t.Spec.MaxReplicas)
			}
		case *policyv1.PodDisruptionBudget:
			if len(c.selected(o, ns, c.labelSelector(o, "spec.selector", t.Spec.Selector))) == 0 {
				c.fail(o, "selector selects no rendered workload")
			}
			if (t.Spec.MinAvailable == nil) == (t.Spec.MaxUnavailable == nil) {
				c.fail(o, "exactly one of minAvailable and maxUnavailable must be set")
			}
		case *networkingv1.NetworkPolicy:
			sel := c.labelSelector(o, "spec.podSelector", &t.Spec.PodSelector)
			if !sel.Empty() && len(c.selected(o, ns, sel)) == 0 {
				c.fail(o, "podSelector selects no rendered workload")
			}
		case *monitoringv1.ServiceMonitor:
			c.checkServiceMonitor(o, t)
		case *monitoringv1.PrometheusRule:
			if len(t.Spec.Groups) == 0 {
				c.fail(o, "has no rule groups")
			}
		}
	}
}

func (c *checker) checkServiceMonitor(o *object, sm *monitoringv1.ServiceMonitor) {
	sel := c.labelSelector(o, "spec.selector", &sm.Spec.Selector)
	var services []*corev1.Service
	for _, other := range c.objects {
		if svc, ok := other.obj.(*corev1.Service); ok && other.meta.GetNamespace() == o.meta.GetNamespace() &&
			sel.Matches(labels.Set(svc.Labels)) {
			services = append(services, svc)
		}
	}
	if len(services) == 0 {
		c.fail(o, "selector selects no rendered Service")
	}
	for _, ep := range sm.Spec.Endpoints {
		for _, svc := range services {
			found := false
			for _, p := range svc.Spec.Ports {
				found = found || p.Name == ep.Port
			}
			if ep.Port != "" && !found {
				c.fail(o, "endpoint port %q is not a port name of Service %s", ep.Port, svc.Name)
			}
		}
	}
}

func main() {
	c := &checker{existing: map[string]bool{}}
	flag.Func("exists", "an object that exists in the cluster, as Kind/name (repeatable)", func(v string) error {
		if !strings.Contains(v, "/") {
			return fmt.Errorf("want Kind/name, got %q", v)
		}
		c.existing[v] = true
		return nil
	})
	flag.Parse()
	dec := newDecoder()
	args := flag.Args()
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, name := range args {
		if name == "-" {
			c.read("stdin", os.Stdin, dec)
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "k8svalidate:", err)
			os.Exit(2)
		}
		c.read(name, f, dec)
		f.Close()
	}
	if len(c.objects) == 0 && len(c.errs) == 0 {
		c.errs = append(c.errs, "no Kubernetes objects in the input")
	}
	c.check()
	if len(c.errs) > 0 {
		fmt.Fprintf(os.Stderr, "k8svalidate: %d problem(s):\n  %s\n", len(c.errs), strings.Join(c.errs, "\n  "))
		os.Exit(1)
	}
	kinds := map[string]int{}
	for _, o := range c.objects {
		kinds[o.kind]++
	}
	fmt.Printf("k8svalidate: %d objects valid %v\n", len(c.objects), kinds)
}
