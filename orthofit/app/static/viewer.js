// The design page's 3D view: both insoles (STL from the server), coloured by thickness or by
// stiffness zone, with a legend.
import * as THREE from "three";
import { OrbitControls } from "/static/vendor/three-0.187.0/OrbitControls.js";
import { STLLoader } from "/static/vendor/three-0.187.0/STLLoader.js";

const box = document.getElementById("viewer");
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(window.devicePixelRatio);
box.appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0xf4f6f9);
const camera = new THREE.PerspectiveCamera(35, 1, 1, 5000);
camera.up.set(0, 0, 1);
camera.position.set(0, -300, 520);  // from in front of the toes, looking down at about 60°
const controls = new OrbitControls(camera, renderer.domElement);
scene.add(new THREE.HemisphereLight(0xffffff, 0x8899aa, 2.2));
const sun = new THREE.DirectionalLight(0xffffff, 1.6);
sun.position.set(-200, -300, 500);
scene.add(sun);
const group = new THREE.Group();
scene.add(group);
const loader = new STLLoader();

function size() {
  const w = box.clientWidth, h = Math.max(320, Math.round(w * 0.62));
  renderer.setSize(w, h);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
}
window.addEventListener("resize", size);
size();

// Colours (one of "plain", "thickness", "zones", chosen by the radio buttons):
// thickness: height above the floor, pale yellow (thin) through teal to deep blue (the
//   tallest point: the heel cup rim or the arch), with a legend in mm;
// zones: each vertex takes the infill of the last stiffness zone over it, as a slicer applies
//   its modifiers: pale (sparse) to deep brown-orange (dense, 40 % and more); grey = no zone.
const THICK = [0xffffcc, 0xa1dab4, 0x41b6c4, 0x2c7fb8, 0x253494].map((h) => new THREE.Color(h));
const INFILL = [0xfff2d0, 0xfdb863, 0xe66101, 0x7f2704].map((h) => new THREE.Color(h));
const PLAIN = new THREE.Color(0xc9d6e2), NOZONE = new THREE.Color(0xe3e7ec);

function ramp(stops, t, out) {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  return out.copy(stops[i]).lerp(stops[i + 1], x - i);
}

function mode() {
  const on = document.querySelector("input[name=colouring]:checked");
  return on ? on.value : "thickness";
}

let tallest = 1;

function colour(mesh) {
  const geometry = mesh.geometry;
  const z = geometry.attributes.position;
  const colours = new Float32Array(z.count * 3);
  const how = mode(), c = new THREE.Color();
  const zones = mesh.userData.zones || [];
  for (let i = 0; i < z.count; i++) {
    if (how === "zones") {
      const x = z.getX(i), y = z.getY(i);
      let infill = null;
      for (const zone of zones) {
        const b = zone.box;
        if (x >= b.min.x && x <= b.max.x && y >= b.min.y && y <= b.max.y) infill = zone.infill_pct;
      }
      if (infill === null) c.copy(NOZONE); else ramp(INFILL, (infill - 5) / 35, c);
    } else if (how === "thickness") {
      ramp(THICK, z.getZ(i) / tallest, c);
    } else {
      c.copy(PLAIN);
    }
    colours.set([c.r, c.g, c.b], 3 * i);
  }
  geometry.setAttribute("color", new THREE.BufferAttribute(colours, 3));
}

function legend() {
  const how = mode();
  document.getElementById("legend-thickness").hidden = how !== "thickness";
  document.getElementById("legend-zones").hidden = how !== "zones";
  document.getElementById("tallest").textContent = `${tallest.toFixed(0)} mm`;
}

// Frame both insoles once (the clinician's own turning and zooming is kept after that):
// from the current direction, move the camera so that they fill most of the view.
function frame() {
  const bounds = new THREE.Box3().setFromObject(group);
  const centre = bounds.getCenter(new THREE.Vector3());
  controls.target.copy(centre);
  const direction = camera.position.clone().sub(centre).normalize();
  camera.position.copy(centre).addScaledVector(direction, 600);
  camera.updateMatrixWorld();
  let reach = 0;
  for (const x of [bounds.min.x, bounds.max.x]) for (const y of [bounds.min.y, bounds.max.y]) for (const zz of [bounds.min.z, bounds.max.z]) {
    const p = new THREE.Vector3(x, y, zz).project(camera);
    reach = Math.max(reach, Math.abs(p.x), Math.abs(p.y));
  }
  camera.position.copy(centre).addScaledVector(direction, 600 * reach / 0.9);
  controls.update();
}

async function load(token, sides, zones) {
  const meshes = await Promise.all(sides.map(async (side) => {
    const geometry = await loader.loadAsync(`/previews/${token}/${side}.stl`);
    // The zones' volumes, as boxes in the insole's own frame (only their plan extent is used).
    const boxes = await Promise.all((zones[side] || []).map(async (z, i) => {
      const g = await loader.loadAsync(`/previews/${token}/${side}-zone${i}.stl`);
      g.computeBoundingBox();
      return { infill_pct: z.infill_pct, box: g.boundingBox };
    }));
    const mesh = new THREE.Mesh(geometry, new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.8 }));
    mesh.userData = { side, zones: boxes };
    return mesh;
  }));
  group.clear();
  tallest = 1;
  meshes.forEach((mesh) => {
    const z = mesh.geometry.attributes.position;
    for (let i = 0; i < z.count; i++) tallest = Math.max(tallest, z.getZ(i));
  });
  meshes.forEach(colour);
  legend();
  // Side by side, toes up the screen: the library's frame has toes toward +x.
  meshes.forEach((mesh) => {
    mesh.rotation.z = Math.PI / 2;
    mesh.position.x = mesh.userData.side === "left" ? -70 : 70;
    mesh.position.y = -140;
    group.add(mesh);
  });
  if (!box.dataset.loaded) frame();
  box.dataset.loaded = `${token}:${sides.join(",")}`;  // the browser tests wait for this
}

document.querySelectorAll("input[name=colouring]").forEach((radio) =>
  radio.addEventListener("change", () => { group.children.forEach(colour); legend(); }));

document.body.addEventListener("htmx:afterSwap", (e) => {
  if (e.detail.target.id !== "preview") return;
  const data = document.getElementById("stl-data");
  if (!data) return;
  const sides = JSON.parse(data.dataset.params);
  const zones = Object.fromEntries(Object.entries(sides).map(([side, d]) => [side, d.zones || []]));
  load(data.dataset.token, data.dataset.sides.split(","), zones);
  // Each empty control shows the value the profile and the rules give (left / right when they differ).
  document.querySelectorAll("#design-form input[name^='p.']").forEach((input) => {
    const name = input.name.slice(2);
    const values = Object.values(sides).map((d) => d.params[name]).filter((v) => v !== undefined);
    const shown = [...new Set(values.map((v) => String(Math.round(v * 100) / 100)))];
    input.placeholder = shown.length ? shown.join(" / ") : "rule";
  });
  // Each choice's first option names what the profile and the rules chose.
  document.querySelectorAll("#design-form select[name^='p.']").forEach((select) => {
    const name = select.name.slice(2);
    const shown = [...new Set(Object.values(sides).map((d) => d.params[name]).filter((v) => v !== undefined))];
    select.options[0].textContent = shown.length ? `rule: ${shown.join(" / ")}` : "rule";
  });
});

renderer.setAnimationLoop(() => { controls.update(); renderer.render(scene, camera); });
